// swift-tools-version:6.0
import PackageDescription

// One concern per target; see docs/ARCHITECTURE.md §2 for the map.
let package = Package(
    name: "wmilab",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "wmilab", targets: ["wmilab"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
    ],
    targets: [
        .target(name: "CIM"),
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"]), .brew(["libxml2"])]
        ),
        .target(name: "XML", dependencies: ["CLibXML2"]),
        .target(name: "WSMan", dependencies: ["XML", "CIM"]),
        .target(name: "MOF", dependencies: ["CIM"]),
        .target(name: "HyperVReplica"),
        // The MOF tree under mof/ as a resource bundle: the schema and default lab the server embeds.
        .target(
            name: "WMILabMOF", path: "mof", exclude: ["README.md"],
            resources: [
                .copy("wmilab.mof"), .copy("cim"), .copy("lab"), .copy("qualifiers"), .copy("root"), .copy("wmi"),
            ]
        ),
        .executableTarget(
            name: "wmilab",
            dependencies: [
                "CIM", "MOF",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "HyperVReplicaTests", dependencies: ["HyperVReplica"]),
        .testTarget(name: "CIMTests", dependencies: ["CIM"]),
        .testTarget(name: "MOFTests", dependencies: ["MOF", "CIM"]),
        .testTarget(name: "XMLTests", dependencies: ["XML"]),
        .testTarget(name: "WSManTests", dependencies: ["WSMan", "XML", "CIM"]),
    ],
    swiftLanguageModes: [.v6]
)
