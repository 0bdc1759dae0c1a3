import Foundation
import KioskCrypto
import KioskHQ
import KioskReceipt
import KioskTestSupport

/// Headquarters on a fresh PostgreSQL database: a data folder holding only the keys (a receipt
/// key from `kiosk-hq keys init`, the tests' sealing key), DEMO01 registered through
/// `kiosk-hq centers add`, and as many `kiosk-hq serve` instances as a test starts.
final class PostgresHQ {
    let root: URL
    let dataDir: URL
    let database: PostgresTestDatabase
    let centerKey: Ed25519PrivateKey
    let receiptKey: Ed25519PublicKey

    init(registerCenter: Bool = true) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-hq-pg-\(UUID().uuidString)")
        dataDir = root.appendingPathComponent("hq-data")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        database = try PostgresTestDatabase()
        let keys = try HQInstance.run(["keys", "init", "--data-dir", dataDir.path], database: nil)
        guard keys.status == 0 else { throw HarnessError.systemCall("keys init: \(keys.error)", code: keys.status) }
        try HQFixture.installSealingKey(TestBatch.openingKey.publicKey, in: HQFolder(url: dataDir))
        receiptKey = try Ed25519PublicKey(
            pemRepresentation: String(
                contentsOf: dataDir.appendingPathComponent("keys/receipt.pub.pem"), encoding: .utf8))
        centerKey = try Ed25519PrivateKey.generate()
        if registerCenter { try register("DEMO01", key: centerKey.publicKey) }
    }

    deinit {
        try? FileManager.default.removeItem(at: root)
    }

    func register(_ code: String, key: Ed25519PublicKey) throws {
        let file = root.appendingPathComponent("\(code).pub.pem")
        try Data(key.pemRepresentation.utf8).write(to: file)
        let add = try hq(["centers", "add", code, "--key", file.path])
        guard add.status == 0 else { throw HarnessError.systemCall("centers add: \(add.error)", code: add.status) }
    }

    /// `kiosk-hq ARGUMENTS --data-dir DATA` on this database.
    func hq(_ arguments: [String]) throws -> (status: Int32, output: String, error: String) {
        try HQInstance.run(arguments + ["--data-dir", dataDir.path], database: database.url)
    }

    func instance(extra: [String] = [], wait: Bool = true) throws -> HQInstance {
        try HQInstance(dataDir: dataDir, database: database.url, extra: extra, wait: wait)
    }

    /// The batch's tar in a file, for curl to upload.
    func file(_ batch: TestBatch, name: String? = nil) throws -> URL {
        let url = root.appendingPathComponent(name ?? "\(batch.center)-\(batch.sequence)-\(UUID().uuidString).tar")
        try Data(try batch.archive()).write(to: url)
        return url
    }

    /// Batches whose record count, records or stored bytes do not all agree: must stay 0.
    func halfStoredBatches() throws -> Int {
        Int(
            try database.value(
                """
                SELECT COUNT(*) FROM batch b
                WHERE b.record_count <> (SELECT COUNT(*) FROM record r WHERE r.center = b.center AND r.sequence = b.sequence)
                   OR NOT EXISTS (SELECT 1 FROM batch_archive a WHERE a.center = b.center AND a.sequence = b.sequence
                                  AND length(a.bytes) = b.tar_size AND encode(sha256(a.bytes), 'hex') = b.tar_sha256)
                """)) ?? -1
    }
}
