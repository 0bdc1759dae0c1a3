import Logging
import PostgresNIO

extension PostgresHQStore {
    /// The schema, in steps applied once each, in order, and recorded in `hq_migration`.
    static let migrations: [(name: String, statements: [PostgresQuery])] = [
        (
            "v1-intake",
            [
                """
                CREATE TABLE center (
                    code text PRIMARY KEY,
                    public_key text NOT NULL,
                    key_fingerprint text NOT NULL UNIQUE,
                    added_at timestamptz NOT NULL
                )
                """,
                // previous_sequence references the batch before: the database itself refuses a gap.
                """
                CREATE TABLE batch (
                    center text NOT NULL REFERENCES center (code) ON DELETE RESTRICT,
                    sequence bigint NOT NULL CHECK (sequence >= 1),
                    previous_sequence bigint GENERATED ALWAYS AS (NULLIF(sequence - 1, 0)) STORED,
                    manifest bytea NOT NULL,
                    signature bytea NOT NULL,
                    manifest_sha256 text NOT NULL UNIQUE,
                    records_sha256 text NOT NULL,
                    record_count bigint NOT NULL,
                    tar_sha256 text NOT NULL,
                    tar_size bigint NOT NULL,
                    file text NOT NULL,
                    received_at text NOT NULL,
                    receipt bytea NOT NULL,
                    receipt_signature bytea NOT NULL,
                    PRIMARY KEY (center, sequence),
                    FOREIGN KEY (center, previous_sequence) REFERENCES batch (center, sequence) ON DELETE RESTRICT
                )
                """,
                // The tar as received, apart from the rows that are read on every upload.
                """
                CREATE TABLE batch_archive (
                    center text NOT NULL,
                    sequence bigint NOT NULL,
                    bytes bytea NOT NULL,
                    PRIMARY KEY (center, sequence),
                    FOREIGN KEY (center, sequence) REFERENCES batch (center, sequence) ON DELETE RESTRICT
                )
                """,
                """
                CREATE TABLE record (
                    center text NOT NULL,
                    reference text NOT NULL,
                    sequence bigint NOT NULL,
                    position bigint NOT NULL,
                    PRIMARY KEY (center, reference),
                    FOREIGN KEY (center, sequence) REFERENCES batch (center, sequence) ON DELETE RESTRICT
                )
                """,
                "CREATE INDEX record_on_batch ON record (center, sequence)",
                "CREATE INDEX batch_by_arrival ON batch (received_at, center, sequence)",
            ]
        ),
        // The witness of each center's audit log: where it stood when the kiosk sealed the batch.
        (
            "v2-audit-witness",
            [
                "ALTER TABLE batch ADD COLUMN audit_length bigint",
                "ALTER TABLE batch ADD COLUMN audit_head text",
                """
                ALTER TABLE batch ADD CONSTRAINT audit_both_or_neither
                    CHECK ((audit_length IS NULL) = (audit_head IS NULL))
                """,
            ]
        ),
    ]

    /// The advisory lock key that serialises migrations across instances ("kiosk-hq" in ASCII).
    static let migrationLock: Int64 = 0x6b_696f_736b_2d68_71

    /// Applies the steps not yet recorded, in one transaction under an advisory lock: instances
    /// starting together wait for each other, and each step runs exactly once.
    func migrate() async throws {
        try await run {
            try await self.client.withTransaction(logger: self.logger) { connection in
                let log = self.logger
                try await connection.query("SELECT pg_advisory_xact_lock(\(Self.migrationLock))", logger: log)
                try await connection.query(
                    """
                    CREATE TABLE IF NOT EXISTS hq_migration (
                        name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now()
                    )
                    """, logger: log)
                var applied = Set<String>()
                for try await name in try await connection.query("SELECT name FROM hq_migration", logger: log)
                    .decode(String.self)
                {
                    applied.insert(name)
                }
                for migration in Self.migrations where !applied.contains(migration.name) {
                    for statement in migration.statements {
                        try await connection.query(statement, logger: log)
                    }
                    try await connection.query(
                        "INSERT INTO hq_migration (name) VALUES (\(migration.name))", logger: log)
                }
            }
        }
    }
}
