import Foundation
import KioskCrypto

/// Where headquarters keeps its state: registered centers, accepted batches (their bytes too),
/// receipts and records. `SQLiteHQStore` (the data folder, the embedded default) or
/// `PostgresHQStore` (one PostgreSQL database shared by several `kiosk-hq` instances).
///
/// The store, not a lock in one process, makes intake exactly once: two instances storing the
/// same sequence at the same moment end with one row, and the loser is told which.
public protocol HQStore: Sendable {
    /// Registers a center with its public key; the same key again is a no-op, another key is
    /// refused, and so is a key another center already has.
    func addCenter(code: String, key: Ed25519PublicKey, at date: Date) async throws -> CenterRecord
    /// The registered center `code`, or nil.
    func center(code: String) async throws -> CenterRecord?
    /// Every registered center with where its chain stands, by code.
    func centerSummaries() async throws -> [CenterSummary]
    /// The center's batch `sequence`, if accepted.
    func batch(center: String, sequence: Int) async throws -> AcceptedBatch?
    /// The center's last accepted batch, or nil before the first.
    func lastBatch(center: String) async throws -> AcceptedBatch?
    /// Every accepted batch, in the order received (then by center and sequence).
    func acceptedBatches() async throws -> [AcceptedBatch]
    /// Stores a verified batch, its records and its bytes (the synced file `body`) in one
    /// transaction, re-checking the order inside it. On `.stored` the store owns the file (moved
    /// into the data folder or copied into the database and removed); otherwise the caller does.
    func accept(_ batch: AcceptedBatchInput, body: ReceivedBody, folder: HQFolder) async throws -> IntakeDecision
    /// Runs `body` with the path of a file holding the accepted batch's tar, as received.
    func withArchive<T>(of batch: AcceptedBatch, folder: HQFolder, _ body: (String) throws -> T) async throws -> T
}

/// The store cannot be reached now (PostgreSQL down or restarting); intake answers 503 and the
/// kiosk retries later. The message names the server, never a record.
public struct HQStoreUnavailable: Error, CustomStringConvertible, Sendable {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
