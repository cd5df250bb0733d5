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
        .target(name: "MOF", dependencies: ["CIM"]),
        .executableTarget(
            name: "wmilab",
            dependencies: [
                "CIM", "MOF", "BlockStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(
            name: "COpenSSL", path: "Sources/COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]
        ),
        .target(name: "BlockStore", dependencies: ["CZlib", "COpenSSL"]),
        .testTarget(name: "BlockStoreTests", dependencies: ["BlockStore"]),
    ],
    swiftLanguageModes: [.v6]
)
