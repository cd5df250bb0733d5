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
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        .target(name: "CIM"),
        .target(name: "MOF", dependencies: ["CIM"]),
        .target(
            name: "Providers",
            dependencies: [
                "CIM", "MOF",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
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
        .testTarget(name: "WQLTests", dependencies: ["CIM"]),
        .testTarget(
            name: "ProvidersTests",
            dependencies: ["Providers", "CIM", "MOF", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(name: "CIMTests", dependencies: ["CIM"]),
    ],
    swiftLanguageModes: [.v6]
)
