import Foundation
import GRDB
import Hummingbird
import KioskBatch
import KioskCore
import KioskCrypto
import KioskHQ
import KioskOutbox
import KioskReceipt
import KioskStore
import KioskTestSupport
import KioskUpload
import Logging

/// A center's kiosk and headquarters on one machine: the kiosk's real database, center key and
/// outbox in a temporary folder; headquarters' real data folder, receipt key and intake with
/// the center registered; and a test CA whose certificate headquarters serves.
final class UploadWorld: Sendable {
    let root: URL
    let database: AppDatabase
    let centerKey: Ed25519PrivateKey
    let outboxFolder: URL
    let hqFolder: HQFolder
    let hqDatabase: HQDatabase
    let receiptKey: Ed25519PrivateKey
    let intake: Intake
    let pki: TestPKI
    /// Headquarters' sealing key pair (its `keys/opening.key.pem`): the kiosk seals to its public half.
    let sealingKey: X25519PrivateKey
    /// How long the kiosk keeps the answers after sealing (0: deleted as they are sealed).
    let keepPlaintextDays: Int

    init(keepPlaintextDays: Int = 0) throws {
        self.keepPlaintextDays = keepPlaintextDays
        root = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-upload-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        database = try AppDatabase.open(at: root.appendingPathComponent("kiosk.sqlite").path)
        centerKey = try CenterKey(folder: root.appendingPathComponent("keys")).create()
        outboxFolder = root.appendingPathComponent("outbox")
        hqFolder = HQFolder(url: root.appendingPathComponent("hq"))
        receiptKey = try hqFolder.createReceiptKey()
        hqDatabase = try HQDatabase.open(at: hqFolder.databasePath)
        _ = try hqDatabase.addCenter(code: "DEMO01", key: centerKey.publicKey, at: Date())
        var logger = Logger(label: "kiosk-hq-test")
        logger.logLevel = .critical
        try hqFolder.createSealingKey()
        intake = Intake(
            folder: hqFolder, database: hqDatabase, receiptKey: receiptKey, sealingKeys: try hqFolder.loadSealingKeys(),
            maxBatchBytes: 64 << 20, logger: logger)
        pki = try TestPKI(in: root, name: "hq")
        sealingKey = try X25519PrivateKey(
            pemRepresentation: String(contentsOf: hqFolder.openingPrivateKeyURL, encoding: .utf8))
    }

    deinit {
        try? FileManager.default.removeItem(at: root)
    }

    var databasePath: String { root.appendingPathComponent("kiosk.sqlite").path }
    var sentURL: URL { root.appendingPathComponent("sent") }
    /// How the kiosk seals: to headquarters' sealing key, keeping the answers `keepPlaintextDays`.
    var sealing: Outbox.Sealing { Outbox.Sealing(key: sealingKey.publicKey, keepPlaintextDays: keepPlaintextDays) }
    var outbox: Outbox {
        Outbox(folder: outboxFolder, database: database, center: "DEMO01", key: centerKey, sealing: sealing)
    }

    /// Stores `count` applications and approves them through the review store, with their
    /// history and audit entries, as the console does.
    func storeApproved(_ count: Int) throws {
        for index in 0..<count {
            let draft = ApplicationDraft(
                formID: "ua-contract", formVersion: 1, language: .uk, consentVersion: "c1",
                answers: ["surname": .single("Шевченко \(index)"), "rnokpp": .single("3652504575")])
            let stored = try database.applications.submit(
                draft, formSHA256: String(repeating: "0", count: 64), center: "DEMO01", year: 2026, at: Date())
            try Seed.approve(stored, in: database)
        }
    }

    /// Applications by state, and how many still have their answers.
    func kioskState() throws -> (states: [String: Int], withAnswers: Int) {
        let queue = try DatabaseQueue(path: databasePath)
        defer { try? queue.close() }
        return try queue.read { db in
            var states: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM application GROUP BY state") {
                states[row["state"]] = row["n"]
            }
            return (
                states, try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM application WHERE answers IS NOT NULL") ?? -1
            )
        }
    }

    /// Headquarters' records: how many, and how many distinct references.
    func hqRecords() throws -> (count: Int, distinct: Int) {
        let queue = try DatabaseQueue(path: hqFolder.databasePath)
        defer { try? queue.close() }
        return try queue.read { db in
            (
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM record") ?? -1,
                try Int.fetchOne(db, sql: "SELECT COUNT(DISTINCT reference) FROM record") ?? -1
            )
        }
    }

    /// The visible files in `folder`; none when it was not made yet, and an error when it cannot be read.
    func files(in folder: URL) throws -> [String] {
        guard FileManager.default.fileExists(atPath: folder.path) else { return [] }
        return try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { !$0.hasPrefix(".") }.sorted()
    }

    /// Upload settings for headquarters on `port`, trusting `ca` (the test CA by default), with
    /// short backoff so that fault tests stay quick, and timeouts that load does not reach.
    func settings(
        port: Int, ca: String? = nil, receiptKey: Ed25519PublicKey? = nil, scheme: String = "https"
    )
        throws -> UploadSettings
    {
        var settings = try UploadSettings(
            hqURL: URL(string: "\(scheme)://127.0.0.1:\(port)")!, caCertificate: ca ?? pki.caCertificate,
            clientCertificate: nil, receiptKey: receiptKey ?? self.receiptKey.publicKey)
        // Generous: the whole suite runs at once on two cores, and a write or read that waits a
        // few seconds there is load, not a fault. A test of timeouts sets its own (300 ms).
        settings.connectTimeout = .seconds(10)
        settings.readTimeout = .seconds(20)
        settings.attempts = 3
        settings.initialBackoff = .milliseconds(20)
        settings.maximumBackoff = .milliseconds(100)
        settings.runTimeLimit = .seconds(120)
        settings.retentionDays = 7
        return settings
    }

    func uploader(
        _ settings: UploadSettings, batchLimit: Int = 500, now: @escaping @Sendable () -> Date = { Date() }
    )
        -> Uploader
    {
        var settings = settings
        settings.batchLimit = batchLimit
        return Uploader(
            database: database, outboxFolder: outbox.folder, center: "DEMO01", centerKey: centerKey,
            sentFolder: sentURL, settings: settings, sealing: sealing, now: now)
    }

    /// Runs headquarters' real server over HTTPS on a free port for the duration of `body`.
    func withHQ<T: Sendable>(_ body: (Int) async throws -> T) async throws -> T {
        try await withServer({ try self.hqServer.application(onRunning: $0) }, body)
    }

    /// Headquarters' real server over HTTPS with the test certificate.
    var hqServer: HQServer {
        var logger = Logger(label: "kiosk-hq-test")
        logger.logLevel = .critical
        return HQServer(
            intake: intake,
            settings: .init(host: "127.0.0.1", port: 0, tls: (pki.serverCertificate, pki.serverKey)),
            logger: logger)
    }
}

/// Runs an application on a free port for the duration of `body`, then stops it.
func withServer<App: ApplicationProtocol, T: Sendable>(
    _ makeApp: (@escaping @Sendable (Int) async -> Void) throws -> App, _ body: (Int) async throws -> T
) async throws -> T {
    let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
    let app = try makeApp { continuation.yield($0) }
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await app.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw CancellationError() }
        do {
            let value = try await body(port)
            group.cancelAll()
            return value
        } catch {
            group.cancelAll()
            throw error
        }
    }
}

/// A headquarters stand-in with the real TLS setup whose batch route is `handler`.
func faultServer(
    _ world: UploadWorld,
    _ handler: @escaping @Sendable (Request, BasicRequestContext) async throws -> Response
) -> (@escaping @Sendable (Int) async -> Void) throws -> Application<RouterResponder<BasicRequestContext>> {
    { onRunning in
        let router = Router()
        router.put("/v1/centers/:center/batches/:sequence", use: handler)
        var logger = Logger(label: "fault-hq")
        logger.logLevel = .critical
        return Application(
            router: router,
            server: try HQServer.serverBuilder(
                .init(host: "127.0.0.1", port: 0, tls: (world.pki.serverCertificate, world.pki.serverKey))),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { await onRunning($0.localAddress?.port ?? 0) },
            logger: logger)
    }
}
