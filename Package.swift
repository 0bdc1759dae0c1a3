// swift-tools-version: 6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny")
]

let package = Package(
    name: "kiosk",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "kiosk", targets: ["kiosk"]),
        .executable(name: "kiosk-attend", targets: ["kiosk-attend"]),
        .executable(name: "kiosk-hq", targets: ["kiosk-hq"]),
        .executable(name: "kiosk-bench", targets: ["kiosk-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift.git", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        // Support: the infrastructure every target uses, written once (durable files, locks,
        // UTC time, hex, center codes, loopback, strict decoding). Foundation and Glibc only.
        .target(name: "KioskSupport", swiftSettings: swiftSettings),
        // Domain: form definitions, validators, the form-flow state machine. No I/O.
        // libidn2 (IDNA2008 and UTS #46) for internationalized e-mail domains such as пошта.укр.
        // sqlite3_db_config, which Swift cannot call (variadic), for the checkpoint-on-close setting.
        .systemLibrary(name: "CSQLiteConfig", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CIDN2", pkgConfig: "libidn2", providers: [.apt(["libidn2-dev"])]),
        .target(name: "KioskCore", dependencies: ["KioskSupport", "CIDN2"], swiftSettings: swiftSettings),
        // libcrypto from the system OpenSSL 3, and a thin safe wrapper over it.
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        .target(name: "KioskCrypto", dependencies: ["COpenSSL", "KioskSupport"], swiftSettings: swiftSettings),
        // Records sealed to headquarters' X25519 key with HPKE (RFC 9180), through swift-crypto.
        .target(
            name: "KioskSeal",
            dependencies: ["KioskBatch", "KioskCrypto", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings),
        // The signed batch format: manifest, records, tar writer and strict reader, verifier.
        .target(
            name: "KioskBatch", dependencies: ["KioskCore", "KioskCrypto", "KioskSupport"],
            swiftSettings: swiftSettings
        ),
        // Opening SQLite files the one way both databases need: checked, WAL, synchronous=FULL.
        .target(
            name: "KioskSQLite",
            dependencies: ["KioskSupport", "CSQLiteConfig", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings),
        // Storage: the kiosk's SQLite database, one owner and focused stores.
        .target(
            name: "KioskStore",
            dependencies: [
                "KioskCore", "KioskSQLite", "KioskBatch",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        // The center key and the outbox: sealing approved applications into batch files.
        .target(
            name: "KioskOutbox",
            dependencies: ["KioskStore", "KioskBatch", "KioskCrypto", "KioskSeal", "KioskSupport"],
            swiftSettings: swiftSettings),
        // Terminal: line input with byte caps, escaping, tty modes, screens.
        .target(name: "KioskTerminal", dependencies: ["KioskCore"], swiftSettings: swiftSettings),
        // Staff review console: accounts, review decisions and edits, the audit chain.
        .target(
            name: "KioskReview", dependencies: ["KioskCore", "KioskStore", "KioskTerminal", "KioskCrypto"],
            swiftSettings: swiftSettings),
        // The signed delivery receipt and the intake wire messages, shared by kiosk and headquarters.
        // The signed unit catalog too (headquarters publishes it, kiosks fetch and verify it).
        .target(
            name: "KioskReceipt", dependencies: ["KioskCore", "KioskCrypto", "KioskSupport"],
            swiftSettings: swiftSettings),
        // The scheduled upload to headquarters and its receipts.
        .target(
            name: "KioskUpload",
            dependencies: [
                "KioskBatch", "KioskStore", "KioskCrypto", "KioskOutbox", "KioskReceipt", "KioskSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings),
        // Headquarters intake: verification, storage, receipts, HTTP routes.
        .target(
            name: "KioskHQ",
            dependencies: [
                "KioskBatch", "KioskCore", "KioskCrypto", "KioskReceipt", "KioskSeal", "KioskSQLite", "KioskSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings),
        .executableTarget(
            name: "kiosk-hq",
            dependencies: [
                "KioskHQ", "KioskCrypto", "KioskReceipt", "KioskSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),
        // The kiosk's application services, tested in-process: configuration, data folder,
        // Kiosk folder, health, the attend service, status. No HTTP client or NIO here: the
        // attend process must not load the upload libraries.
        .target(
            name: "KioskApp",
            dependencies: [
                "KioskSupport",
                "KioskCore", "KioskStore", "KioskSQLite", "KioskTerminal", "KioskCrypto", "KioskBatch",
                "KioskReview", "KioskReceipt",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),
        // The upload command's wiring: settings built from the configuration, its checks, reporters.
        .target(
            name: "KioskUploadSetup",
            dependencies: ["KioskApp", "KioskOutbox", "KioskUpload", "KioskCrypto", "KioskReceipt", "KioskStore"],
            swiftSettings: swiftSettings),
        // What `kiosk attend` and `kiosk-attend` share: the attend command and the data options.
        // Nothing under it links the outbox's sealing, NIO or AsyncHTTPClient.
        .target(
            name: "KioskCommandLine",
            dependencies: [
                "KioskApp", "KioskCore", "KioskTerminal",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),
        .executableTarget(
            name: "kiosk-attend", dependencies: ["KioskCommandLine"], swiftSettings: swiftSettings),
        .executableTarget(
            name: "kiosk",
            dependencies: [
                // kiosk-attend is built with kiosk, so `kiosk attend` never execs a stale one.
                "kiosk-attend", "KioskCommandLine",
                "KioskApp", "KioskUploadSetup",
                "KioskCore", "KioskStore", "KioskTerminal", "KioskCrypto", "KioskBatch", "KioskOutbox",
                "KioskReview", "KioskUpload",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Tools for bench/ and reliability/ kept out of `kiosk`: the same batch written unsealed (the
        // sealing baseline), and seeding approved applications through the product's stores.
        .executableTarget(
            name: "kiosk-bench",
            dependencies: [
                "KioskCore", "KioskStore", "KioskReview", "KioskOutbox", "KioskBatch", "KioskCrypto", "KioskSeal",
                "KioskSupport",
            ],
            swiftSettings: swiftSettings),
        // What every test target shares: temporary folders, running processes and stock tools,
        // pseudo-terminals, the built products, seeding through the store's API.
        .target(
            name: "KioskTestSupport", dependencies: ["KioskCore", "KioskStore", "KioskReview"],
            path: "Tests/KioskTestSupport", swiftSettings: swiftSettings),
        .testTarget(name: "KioskSupportTests", dependencies: ["KioskSupport"], swiftSettings: swiftSettings),
        .testTarget(name: "KioskCoreTests", dependencies: ["KioskCore"], swiftSettings: swiftSettings),
        .testTarget(
            name: "KioskBatchTests",
            dependencies: ["KioskBatch", "KioskCrypto", "KioskSeal", "KioskSupport", "KioskTestSupport"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "KioskSealTests",
            dependencies: [
                "KioskSeal", "KioskCrypto", "KioskTestSupport", .product(name: "Crypto", package: "swift-crypto"),
            ],
            exclude: ["rfc9180-a.2.1.json"], swiftSettings: swiftSettings),
        .testTarget(
            name: "KioskCryptoTests", dependencies: ["KioskCrypto", "KioskSupport", "KioskTestSupport"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "KioskStoreTests",
            dependencies: ["KioskStore", "KioskTestSupport", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "KioskOutboxTests",
            dependencies: [
                "KioskOutbox", "KioskBatch", "KioskStore", "KioskCrypto", "KioskSeal", "KioskTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "KioskReviewTests",
            dependencies: [
                "KioskReview", "KioskStore", "KioskCore", "KioskTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "KioskHQTests",
            dependencies: [
                "KioskHQ", "KioskBatch", "KioskCrypto", "KioskReceipt", "KioskSeal", "KioskTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "KioskUploadTests",
            dependencies: [
                "KioskUpload", "KioskHQ", "KioskOutbox", "KioskStore", "KioskBatch", "KioskCrypto", "KioskReceipt",
                "KioskCore", "KioskTestSupport", "KioskSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "KioskAppTests",
            dependencies: [
                "KioskApp", "KioskUploadSetup", "KioskUpload", "KioskCore", "KioskStore", "KioskTerminal",
                "KioskCrypto", "KioskTestSupport", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "KioskTerminalTests", dependencies: ["KioskTerminal", "KioskTestSupport"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "KioskEndToEndTests",
            dependencies: ["KioskCore", "KioskStore", "KioskCrypto", "KioskReceipt", "KioskTestSupport"],
            swiftSettings: swiftSettings),
        // deploy/: the installer, the units and the lockdown, through deploy/tests/run.sh.
        .testTarget(name: "DeployTests", dependencies: ["KioskTestSupport"], swiftSettings: swiftSettings),
    ],
    swiftLanguageModes: [.v6]
)
