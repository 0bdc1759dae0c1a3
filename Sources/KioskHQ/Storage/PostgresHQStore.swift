import Foundation
import KioskBatch
import KioskCrypto
import KioskReceipt
import KioskSupport
import Logging
import PostgresNIO

/// Headquarters' state in one PostgreSQL database, shared by every `kiosk-hq` instance: centers,
/// batches with their bytes, receipts and records.
///
/// The database makes intake exactly once: `(center, sequence)` is the batch's primary key, a
/// batch after the first must reference its predecessor (a foreign key on `previous_sequence`,
/// so no gap can be stored), and `(center, reference)` is the record's primary key. The same
/// batch stored by two instances at once ends in one row; the loser reads the winner's.
///
/// A store call that cannot reach the server within `deadline` throws `HQStoreUnavailable`.
public final class PostgresHQStore: HQStore {
    let client: PostgresClient
    let logger: Logger
    /// The longest a call waits for the database (a connection, a query) before it gives up.
    let deadline: Duration

    init(client: PostgresClient, logger: Logger, deadline: Duration) {
        self.client = client
        self.logger = logger
        self.deadline = deadline
    }

    /// Connects to the database at `url`, brings its schema up to date (once, however many
    /// instances start together) and runs `body` with the store; the connections close after.
    public static func withStore<T>(
        url: String, logger: Logger, deadline: Duration = .seconds(10),
        _ body: (PostgresHQStore) async throws -> T
    ) async throws -> T {
        let location = try PostgresLocation(url)
        let client = PostgresClient(configuration: location.configuration, backgroundLogger: Self.quiet(logger))
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            let store = PostgresHQStore(client: client, logger: logger, deadline: deadline)
            do {
                try await store.migrate()
            } catch {
                throw HQError("cannot prepare the PostgreSQL database \(location.shown): \(Self.describe(error))")
            }
            return try await body(store)
        }
    }

    /// PostgresNIO's background messages (reconnects) at most as warnings.
    static func quiet(_ logger: Logger) -> Logger {
        var logger = logger
        logger.logLevel = max(logger.logLevel, .warning)
        return logger
    }

    // MARK: - Centers

    public func addCenter(code: String, key: Ed25519PublicKey, at date: Date) async throws -> CenterRecord {
        let pem = key.pemRepresentation
        let fingerprint = key.fingerprint
        return try await run {
            try await self.client.withTransaction(logger: self.logger) { connection in
                // Serialises registrations, so the one-key-one-center check cannot race.
                try await connection.query("LOCK TABLE center IN SHARE ROW EXCLUSIVE MODE", logger: self.logger)
                if let existing = try await Self.center(connection, code: code, logger: self.logger) {
                    guard existing.keyFingerprint == fingerprint else {
                        throw HQError(
                            "center \(code) is already registered with key \(existing.keyFingerprint); "
                                + "a center's key is not replaced silently")
                    }
                    return existing
                }
                let rows = try await connection.query(
                    "SELECT code FROM center WHERE key_fingerprint = \(fingerprint)", logger: self.logger)
                for try await other in rows.decode(String.self) {
                    throw HQError(
                        "key \(fingerprint) is already registered for center \(other); each center needs its own key "
                            + "(run `kiosk keys init` on the new center's kiosk)")
                }
                try await connection.query(
                    """
                    INSERT INTO center (code, public_key, key_fingerprint, added_at)
                    VALUES (\(code), \(pem), \(fingerprint), \(date))
                    """, logger: self.logger)
                return CenterRecord(code: code, publicKeyPEM: pem, keyFingerprint: fingerprint, addedAt: date)
            }
        }
    }

    public func center(code: String) async throws -> CenterRecord? {
        try await run {
            try await self.client.withConnection { connection in
                try await Self.center(connection, code: code, logger: self.logger)
            }
        }
    }

    static func center(_ connection: PostgresConnection, code: String, logger: Logger) async throws -> CenterRecord? {
        let rows = try await connection.query(
            "SELECT code, public_key, key_fingerprint, added_at FROM center WHERE code = \(code)", logger: logger)
        for try await (code, pem, fingerprint, added) in rows.decode((String, String, String, Date).self) {
            return CenterRecord(code: code, publicKeyPEM: pem, keyFingerprint: fingerprint, addedAt: added)
        }
        return nil
    }

    public func centerSummaries() async throws -> [CenterSummary] {
        try await run {
            let rows = try await self.client.query(
                """
                SELECT c.code, c.key_fingerprint, COALESCE(b.sequence, 0), b.received_at, COALESCE(r.records, 0)
                FROM center c
                LEFT JOIN LATERAL (
                    SELECT sequence, received_at FROM batch WHERE batch.center = c.code ORDER BY sequence DESC LIMIT 1
                ) b ON true
                LEFT JOIN (SELECT center, COUNT(*) AS records FROM record GROUP BY center) r ON r.center = c.code
                ORDER BY c.code
                """, logger: self.logger)
            var summaries: [CenterSummary] = []
            for try await (code, fingerprint, last, received, records) in rows.decode(
                (String, String, Int, String?, Int).self)
            {
                summaries.append(
                    CenterSummary(
                        code: code, keyFingerprint: fingerprint, lastSequence: last, lastReceivedAt: received,
                        records: records))
            }
            return summaries
        }
    }

    // MARK: - Batches

    static let batchColumns = """
        center, sequence, manifest, signature, manifest_sha256, records_sha256, record_count, tar_sha256, tar_size,
        file, received_at, receipt, receipt_signature, audit_length, audit_head
        """

    typealias BatchRow = (
        String, Int, Data, Data, String, String, Int, String, Int, String, String, Data, Data, Int?, String?
    )

    static func batch(_ row: BatchRow) -> AcceptedBatch {
        AcceptedBatch(
            center: row.0, sequence: row.1, manifest: [UInt8](row.2), signature: [UInt8](row.3),
            manifestSHA256: row.4, recordsSHA256: row.5, recordCount: row.6, tarSHA256: row.7, tarSize: row.8,
            file: row.9, receivedAt: row.10, receipt: SignedReceipt(bytes: [UInt8](row.11), signature: [UInt8](row.12)),
            audit: row.13.flatMap { length in row.14.map { AuditWitness(length: length, head: $0) } })
    }

    private func batches(_ query: PostgresQuery) async throws -> [AcceptedBatch] {
        try await run {
            let rows = try await self.client.query(query, logger: self.logger)
            var batches: [AcceptedBatch] = []
            for try await row in rows.decode(BatchRow.self) {
                batches.append(Self.batch(row))
            }
            return batches
        }
    }

    public func batch(center: String, sequence: Int) async throws -> AcceptedBatch? {
        try await batches(
            "SELECT \(unescaped: Self.batchColumns) FROM batch WHERE center = \(center) AND sequence = \(sequence)"
        ).first
    }

    public func lastBatch(center: String) async throws -> AcceptedBatch? {
        try await batches(
            "SELECT \(unescaped: Self.batchColumns) FROM batch WHERE center = \(center) ORDER BY sequence DESC LIMIT 1"
        ).first
    }

    public func acceptedBatches() async throws -> [AcceptedBatch] {
        try await batches(
            "SELECT \(unescaped: Self.batchColumns) FROM batch ORDER BY received_at, center, sequence")
    }

    /// The sequence the center's chain expects next.
    private func expectedNext(center: String) async throws -> Int {
        (try await lastBatch(center: center)?.sequence ?? 0) + 1
    }

    /// Why the storing transaction was rolled back.
    private enum Rollback: Error {
        /// Another instance committed this sequence first.
        case raced
        /// The chain stands elsewhere: the sequence is not the next one.
        case outOfOrder
    }

    public func accept(
        _ batch: AcceptedBatchInput, body: ReceivedBody, folder: HQFolder
    ) async throws
        -> IntakeDecision
    {
        let manifest = batch.contents.manifest
        let bytes: Data
        do {
            bytes = try Data(contentsOf: URL(fileURLWithPath: body.path), options: .alwaysMapped)
        } catch {
            throw HQError("cannot read the received batch: \(error.localizedDescription)")
        }
        let references = manifest.references
        let positions = references.indices.map { $0 + 1 }
        do {
            try await run {
                try await self.client.withTransaction(logger: self.logger) { connection in
                    let log = self.logger
                    let last = try await connection.query(
                        "SELECT COALESCE(MAX(sequence), 0) FROM batch WHERE center = \(batch.center)", logger: log)
                    var expected = 1
                    for try await sequence in last.decode(Int.self) { expected = sequence + 1 }
                    guard manifest.sequence >= expected else { throw Rollback.raced }
                    guard manifest.sequence == expected else { throw Rollback.outOfOrder }
                    // Waits for another instance inserting the same sequence (or manifest); stores nothing
                    // if that one committed.
                    let inserted = try await connection.query(
                        """
                        INSERT INTO batch (\(unescaped: Self.batchColumns))
                        VALUES (\(batch.center), \(manifest.sequence), \(Data(batch.contents.manifestBytes)),
                            \(Data(batch.contents.signature)), \(batch.contents.manifestSHA256), \(manifest.recordsSHA256),
                            \(manifest.count), \(batch.tarSHA256), \(batch.tarSize), \(batch.file), \(batch.receivedAt),
                            \(Data(batch.receipt.bytes)), \(Data(batch.receipt.signature)),
                            \(manifest.audit?.length), \(manifest.audit?.head))
                        ON CONFLICT DO NOTHING
                        RETURNING sequence
                        """, logger: log)
                    var stored = false
                    for try await _ in inserted.decode(Int.self) { stored = true }
                    guard stored else { throw Rollback.raced }
                    let repeated = try await connection.query(
                        """
                        SELECT reference, sequence FROM record
                        WHERE center = \(batch.center) AND reference = ANY(\(references)) LIMIT 1
                        """, logger: log)
                    for try await (reference, sequence) in repeated.decode((String, Int).self) {
                        throw DuplicateReference(reference: reference, sequence: sequence)
                    }
                    try await connection.query(
                        """
                        INSERT INTO record (center, reference, sequence, position)
                        SELECT \(batch.center), reference, \(manifest.sequence), position
                        FROM unnest(\(references)::text[], \(positions)::bigint[]) AS r(reference, position)
                        """, logger: log)
                    try await connection.query(
                        """
                        INSERT INTO batch_archive (center, sequence, bytes)
                        VALUES (\(batch.center), \(manifest.sequence), \(bytes))
                        """, logger: log)
                }
            }
        } catch Rollback.raced {
            guard let existing = try await self.batch(center: batch.center, sequence: manifest.sequence) else {
                return .outOfOrder(expected: try await expectedNext(center: batch.center))
            }
            return .raced(existing)
        } catch Rollback.outOfOrder {
            return .outOfOrder(expected: try await expectedNext(center: batch.center))
        } catch let error as HQStoreUnavailable {
            throw error
        } catch let error as DuplicateReference {
            throw error
        } catch let error where Self.sqlState(error) == "23503" {
            // The foreign key on the predecessor: the database refuses a gap whatever the check above saw.
            return .outOfOrder(expected: try await expectedNext(center: batch.center))
        } catch let error where Self.sqlState(error) == "23505" && Self.constraint(error) == "record_pkey" {
            // Two batches holding one reference, committed at once: the other one stood first.
            throw DuplicateReference(reference: "a reference of this batch", sequence: 0)
        }
        body.discard()
        return .stored
    }

    public func withArchive<T>(
        of batch: AcceptedBatch, folder: HQFolder, _ body: (String) throws -> T
    ) async throws
        -> T
    {
        let bytes: Data? = try await run {
            let rows = try await self.client.query(
                """
                SELECT bytes FROM batch_archive WHERE center = \(batch.center) AND sequence = \(batch.sequence)
                """, logger: self.logger)
            for try await bytes in rows.decode(Data.self) { return bytes }
            return nil
        }
        guard let bytes else {
            throw HQError("\(batch.center) batch \(batch.sequence) has no stored bytes in the database")
        }
        // Read back through a private file, as the batch reader streams from a path.
        let file = folder.incomingURL.appendingPathComponent("export-\(UUID().uuidString).tar")
        try DurableFile.createFolder(folder.incomingURL)
        guard FileManager.default.createFile(atPath: file.path, contents: bytes, attributes: [.posixPermissions: 0o600])
        else {
            throw HQError("cannot write a temporary copy of \(batch.center) batch \(batch.sequence) to \(file.path)")
        }
        defer { try? FileManager.default.removeItem(at: file) }
        return try body(file.path)
    }

    // MARK: - Errors and deadlines

    /// Runs `operation` against the database within the deadline; a lost or refused connection,
    /// a server shutting down or starting, or the deadline passing is `HQStoreUnavailable`.
    func run<T: Sendable>(_ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        let deadline = deadline
        do {
            return try await withThrowingTaskGroup(of: T.self) { group in
                group.addTask { try await operation() }
                group.addTask {
                    try await Task.sleep(for: deadline)
                    throw HQStoreUnavailable("PostgreSQL did not answer within \(deadline)")
                }
                defer { group.cancelAll() }
                return try await group.next()!
            }
        } catch {
            throw Self.translate(error)
        }
    }

    static func translate(_ error: any Error) -> any Error {
        if let transaction = error as? PostgresTransactionError {
            if let inner = transaction.closureError ?? transaction.beginError { return translate(inner) }
            if let commit = transaction.commitError {
                // Whether it committed is unknown: the kiosk's retry finds out (a resend gets the receipt).
                return HQStoreUnavailable("the commit did not complete: \(describe(commit))")
            }
        }
        guard let error = error as? PSQLError else { return error }
        guard error.code == .server else { return HQStoreUnavailable(describe(error)) }
        let state = error.serverInfo?[.sqlState] ?? ""
        // connection_exception, operator intervention (shutdown, starting up), too many connections.
        if state.hasPrefix("08") || state.hasPrefix("57P") || state == "53300" {
            return HQStoreUnavailable(describe(error))
        }
        return PostgresServerError(
            sqlState: state, constraint: error.serverInfo?[.constraintName], description: describe(error))
    }

    static func sqlState(_ error: any Error) -> String? {
        (error as? PostgresServerError)?.sqlState
    }

    static func constraint(_ error: any Error) -> String? {
        (error as? PostgresServerError)?.constraint
    }

    static func unwrap(_ error: any Error) -> any Error {
        guard let transaction = error as? PostgresTransactionError else { return error }
        return transaction.closureError ?? transaction.commitError ?? transaction.beginError ?? error
    }

    /// A message for an operator: the server's own message, or the kind of connection failure.
    /// Never the query's parameters.
    static func describe(_ error: any Error) -> String {
        let error = unwrap(error)
        if let psql = error as? PSQLError {
            if let message = psql.serverInfo?[.message] {
                return "PostgreSQL: \(message) (SQLSTATE \(psql.serverInfo?[.sqlState] ?? "?"))"
            }
            if let underlying = psql.underlying { return "\(psql.code): \(underlying)" }
            return "\(psql.code)"
        }
        return "\(error)"
    }
}

/// An error PostgreSQL answered (a constraint, a permission), with its SQLSTATE; the
/// description is the server's message, which names no parameter.
struct PostgresServerError: Error, CustomStringConvertible {
    let sqlState: String
    let constraint: String?
    let description: String
}
