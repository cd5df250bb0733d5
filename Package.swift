// swift-tools-version:6.0
import PackageDescription

let log = Target.Dependency.product(name: "Logging", package: "swift-log")
let grdb = Target.Dependency.product(name: "GRDB", package: "GRDB.swift")
let nio: [Target.Dependency] = [
    .product(name: "NIOCore", package: "swift-nio"),
    .product(name: "NIOPosix", package: "swift-nio"),
    .product(name: "NIOHTTP1", package: "swift-nio"),
    .product(name: "NIOSSL", package: "swift-nio-ssl"),
    .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
]

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
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    ],
    targets: [
        .target(name: "CIM"),
        .target(name: "MOF", dependencies: ["CIM"]),
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"]), .brew(["libxml2"])]
        ),
        .target(name: "XML", dependencies: ["CLibXML2"]),
        .target(name: "WSMan", dependencies: ["XML", "CIM"]),
        .target(name: "Providers", dependencies: ["CIM", "MOF", grdb, log]),
        .target(name: "Server", dependencies: ["NTLM", log] + nio),
        .target(name: "WSManService", dependencies: ["WSMan", "XML", "Providers", "MOF", "Server", log]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(
            name: "COpenSSL", path: "Sources/COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]
        ),
        // CRC-32 with carry-less multiplication (PCLMULQDQ, chosen at run time); the same CRC as zlib's.
        .systemLibrary(
            name: "CDeflate", path: "Sources/CDeflate", pkgConfig: "libdeflate", providers: [.apt(["libdeflate-dev"])]
        ),
        .target(name: "BlockStore", dependencies: ["CZlib", "COpenSSL", "CDeflate"]),
        // NTLM/SPNEGO acceptor and MS-WSMV message encryption (docs/ntlm.md).
        .target(name: "NTLM", dependencies: ["COpenSSL"]),
        .target(name: "LabControl", dependencies: ["BlockStore", "Providers", "CIM", "PeerTransport"]),
        // Host-to-host replication traffic: the peer endpoint (a streaming route) and its client.
        .target(
            name: "PeerTransport",
            dependencies: [
                "Server", "COpenSSL", log, .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ] + nio
        ),
        .target(
            name: "HyperVReplica",
            dependencies: [
                "CIM", "Providers", "BlockStore", "LabControl", "PeerTransport", log,
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
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
                "CIM", "MOF", "BlockStore", "HyperVReplica", "LabControl", "PeerTransport", "Providers", "Server",
                "WSManService", "WMILabMOF",
                .product(name: "ArgumentParser", package: "swift-argument-parser"), log,
            ] + nio
        ),
        // Test support: the in-process server, a raw HTTP client, real-client launchers.
        .target(name: "WMILabTesting", dependencies: ["Server", log] + nio),
        // A seeded random generator for tests that must repeat.
        .target(name: "SeededRandom"),

        .testTarget(name: "CIMTests", dependencies: ["CIM"]),
        .testTarget(name: "WQLTests", dependencies: ["CIM"]),
        .testTarget(name: "MOFTests", dependencies: ["MOF", "CIM", "SeededRandom"]),
        .testTarget(name: "XMLTests", dependencies: ["XML"], exclude: ["Fixtures"]),
        .testTarget(name: "WSManTests", dependencies: ["WSMan", "XML", "CIM"]),
        .testTarget(name: "ProvidersTests", dependencies: ["Providers", "CIM", "MOF", grdb, log]),
        .testTarget(
            name: "ServerTests",
            dependencies: [
                "Server", "NTLM", "WMILabTesting", "SeededRandom", log, .product(name: "NIOEmbedded", package: "swift-nio"),
            ] + nio
        ),
        .testTarget(
            name: "WSManServiceTests", dependencies: ["WSManService", "WSMan", "Providers", "Server", "CIM", log]
        ),
        .testTarget(
            name: "BlockStoreTests", dependencies: ["BlockStore", "CZlib", "SeededRandom"], exclude: ["Fixtures"]
        ),
        .testTarget(name: "NTLMTests", dependencies: ["NTLM", "SeededRandom"], exclude: ["Fixtures"]),
        .testTarget(name: "HyperVReplicaTests", dependencies: ["HyperVReplica", "CIM"]),
        .testTarget(
            name: "PeerTransportTests",
            dependencies: ["PeerTransport", "LabControl", "Providers", "CIM", "Server", "WMILabTesting", log] + nio
        ),
    ],
    swiftLanguageModes: [.v6]
)
