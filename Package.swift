// swift-tools-version: 6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "kiosk",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "kiosk", targets: ["kiosk"])
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift.git", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
    ],
    targets: [
        // Domain: form definitions, validators, the form-flow state machine. No I/O.
        .target(name: "KioskCore", swiftSettings: swiftSettings),
        // libcrypto from the system OpenSSL 3, and a thin safe wrapper over it.
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        .target(name: "KioskCrypto", dependencies: ["COpenSSL"], swiftSettings: swiftSettings),
        // The signed batch format: manifest, records, tar writer and strict reader, verifier.
        .target(name: "KioskBatch", dependencies: ["KioskCore", "KioskCrypto"], swiftSettings: swiftSettings),
        // Storage: the SQLite database through GRDB.
        .target(
            name: "KioskStore",
            dependencies: [
                "KioskCore",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        // Terminal: line input with byte caps, escaping, tty modes, screens.
        .target(name: "KioskTerminal", dependencies: ["KioskCore"], swiftSettings: swiftSettings),
        .executableTarget(
            name: "kiosk",
            dependencies: [
                "KioskCore", "KioskStore", "KioskTerminal", "KioskCrypto",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "KioskCoreTests", dependencies: ["KioskCore"], swiftSettings: swiftSettings),
        .testTarget(
            name: "KioskBatchTests", dependencies: ["KioskBatch", "KioskCrypto"], swiftSettings: swiftSettings),
        .testTarget(name: "KioskCryptoTests", dependencies: ["KioskCrypto"], swiftSettings: swiftSettings),
        .testTarget(
            name: "KioskStoreTests",
            dependencies: ["KioskStore", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "KioskTerminalTests", dependencies: ["KioskTerminal"], swiftSettings: swiftSettings),
        .testTarget(name: "KioskEndToEndTests", dependencies: ["KioskCore"], swiftSettings: swiftSettings),
    ],
    swiftLanguageModes: [.v6]
)
