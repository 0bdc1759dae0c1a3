import Foundation
import KioskCrypto
import NIOPosix

#if canImport(Glibc)
import Glibc
#endif

/// The embedded default store: `HQDatabase` (SQLite in the data folder) and the accepted tar
/// files in `batches/`. Every call runs on NIO's thread pool, never on the caller's executor:
/// SQLite and `fsync` block.
public struct SQLiteHQStore: HQStore {
    public let database: HQDatabase

    public init(_ database: HQDatabase) {
        self.database = database
    }

    /// Opens (creating if needed) the data folder's `hq.sqlite`.
    public static func open(_ folder: HQFolder) throws -> SQLiteHQStore {
        SQLiteHQStore(try HQDatabase.open(at: folder.databasePath))
    }

    /// Runs `body` with the database on NIO's thread pool.
    private func blocking<T: Sendable>(_ body: @escaping @Sendable (HQDatabase) throws -> T) async throws -> T {
        let database = database
        return try await NIOThreadPool.singleton.runIfActive { try body(database) }
    }

    public func addCenter(code: String, key: Ed25519PublicKey, at date: Date) async throws -> CenterRecord {
        try await blocking { try $0.addCenter(code: code, key: key, at: date) }
    }

    public func center(code: String) async throws -> CenterRecord? {
        try await blocking { try $0.center(code: code) }
    }

    public func centerSummaries() async throws -> [CenterSummary] {
        try await blocking { try $0.centerSummaries() }
    }

    public func batch(center: String, sequence: Int) async throws -> AcceptedBatch? {
        try await blocking { try $0.batch(center: center, sequence: sequence) }
    }

    public func lastBatch(center: String) async throws -> AcceptedBatch? {
        try await blocking { try $0.lastBatch(center: center) }
    }

    public func acceptedBatches() async throws -> [AcceptedBatch] {
        try await blocking { try $0.acceptedBatches() }
    }

    /// The rows in one SQLite transaction; the file is renamed into `batches/` just before the
    /// commit, and removed again if the commit fails.
    public func accept(
        _ batch: AcceptedBatchInput, body: ReceivedBody, folder: HQFolder
    ) async throws
        -> IntakeDecision
    {
        let destination = folder.url.appendingPathComponent(batch.file)
        return try await blocking { database in
            do {
                return try database.accept(batch) { try body.moveInto(destination) }
            } catch {
                unlink(destination.path)
                throw error
            }
        }
    }

    public func withArchive<T>(
        of batch: AcceptedBatch, folder: HQFolder, _ body: (String) throws -> T
    ) async throws
        -> T
    {
        try body(folder.url.appendingPathComponent(batch.file).path)
    }
}
