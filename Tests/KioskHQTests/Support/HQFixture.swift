import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import KioskCrypto
import KioskHQ
import KioskReceipt
import Logging
import Synchronization

/// A fresh headquarters: its data folder in a temporary directory, a receipt key, the tests'
/// sealing key (`TestBatch.openingKey`'s public key, and no opening key in the folder, as on a
/// real intake server), the demo center registered with its own key, and the real routes,
/// tested through Hummingbird's router test framework (no sockets) or live.
final class HQFixture: Sendable {
    let folder: HQFolder
    let database: HQDatabase
    let receiptKey: Ed25519PrivateKey
    let centerKey: Ed25519PrivateKey
    let intake: Intake
    let logs: LogRecorder

    init(maxBatchBytes: Int = 1 << 20) throws {
        folder = HQFolder(
            url: FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-hq-\(UUID().uuidString)"))
        receiptKey = try folder.createReceiptKey()
        try Self.installSealingKey(TestBatch.openingKey.publicKey, in: folder)
        database = try HQDatabase.open(at: folder.databasePath)
        centerKey = try Ed25519PrivateKey.generate()
        _ = try database.addCenter(code: "DEMO01", key: centerKey.publicKey, at: Date())
        logs = LogRecorder()
        intake = Intake(
            folder: folder, database: database, receiptKey: receiptKey, sealingKeys: try folder.loadSealingKeys(),
            maxBatchBytes: maxBatchBytes, logger: logs.logger)
    }

    /// Writes `key` as the folder's `keys/sealing.pub.pem` (or as `name` beside it).
    static func installSealingKey(
        _ key: X25519PublicKey, in folder: HQFolder, as name: String = "sealing.pub.pem"
    )
        throws
    {
        try folder.prepare()
        try Data(key.pemRepresentation.utf8).write(to: folder.keysURL.appendingPathComponent(name))
    }

    deinit {
        try? FileManager.default.removeItem(at: folder.url)
    }

    var server: HQServer {
        HQServer(intake: intake, settings: .init(host: "127.0.0.1", port: 0, tls: nil), logger: logs.logger)
    }

    /// Runs `body` against the real routes through the router test framework.
    func withRoutes<T: Sendable>(_ body: @Sendable (any TestClientProtocol) async throws -> T) async throws -> T {
        try await server.application().test(.router, body)
    }

    /// PUTs `bytes` as batch `sequence` of `center`.
    static func put(
        _ client: any TestClientProtocol, _ bytes: [UInt8], center: String = "DEMO01", sequence: Int,
        contentType: String = "application/x-tar"
    ) async throws -> (status: Int, body: [UInt8]) {
        try await client.execute(
            uri: IntakeProtocol.batchPath(center: center, sequence: sequence), method: .put,
            headers: [.contentType: contentType], body: ByteBuffer(bytes: bytes)
        ) { response in (Int(response.status.code), Array(response.body.readableBytesView)) }
    }

    /// Row counts of headquarters' tables, and the files left in `incoming/` and `batches/`.
    func trace() throws -> (batches: Int, records: Int, incoming: [String], files: [String]) {
        let queue = try DatabaseQueue(path: folder.databasePath)
        defer { try? queue.close() }
        let (batches, records) = try queue.read { db in
            (
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM batch") ?? -1,
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM record") ?? -1
            )
        }
        // A folder not made yet holds nothing; one that cannot be read fails the test.
        let incoming =
            FileManager.default.fileExists(atPath: folder.incomingURL.path)
            ? try FileManager.default.contentsOfDirectory(atPath: folder.incomingURL.path) : []
        let files =
            (FileManager.default.enumerator(atPath: folder.batchesURL.path)?.allObjects as? [String] ?? [])
            .filter { $0.hasSuffix(".tar") }.sorted()
        return (batches, records, incoming, files)
    }
}

/// Keeps every log message, to check what headquarters logged (alarms).
final class LogRecorder: Sendable {
    private let lines = Mutex<[(level: Logger.Level, message: String)]>([])

    var messages: [(level: Logger.Level, message: String)] { lines.withLock { $0 } }

    func append(_ level: Logger.Level, _ message: String) {
        lines.withLock { $0.append((level, message)) }
    }

    /// A logger whose messages land here.
    var logger: Logger {
        Logger(label: "kiosk-hq-test") { _ in RecordingLogHandler(recorder: self) }
    }
}

/// A log handler that hands each message to a `LogRecorder`.
struct RecordingLogHandler: LogHandler {
    let recorder: LogRecorder
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        recorder.append(event.level, event.message.description)
    }
}
