import ArgumentParser
import Foundation
import KioskHQ
import Logging

/// `kiosk-hq`: headquarters' intake server for the recruiting centers' signed batches.
@main
struct HQCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kiosk-hq",
        abstract: "Headquarters intake: receives, verifies and stores the centers' signed batches.",
        discussion: """
            Each center uploads its batches in order with `kiosk upload`; kiosk-hq checks the \
            signature with the center's registered key, the records and the chain before storing \
            anything, and answers with a receipt signed by its own key. Without --data-dir (or \
            KIOSK_HQ_DATA_DIR) the data folder is ./hq-data.
            """,
        subcommands: [
            ServeCommand.self, KeysCommand.self, CentersCommand.self, CatalogCommand.self, ExportCommand.self,
        ])
}

/// Options every subcommand takes.
struct HQDataOptions: ParsableArguments {
    @Option(
        name: .customLong("data-dir"),
        help: ArgumentHelp(
            "Headquarters' data folder (keys; without --database also hq.sqlite and the batches).",
            discussion: "Default: $KIOSK_HQ_DATA_DIR, else ./hq-data.", valueName: "dir"))
    var dataDir: String?

    @Option(
        name: .customLong("database"),
        help: ArgumentHelp(
            "Keep centers, batches, receipts and records in this PostgreSQL database, shared by every instance.",
            discussion: """
                postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=disable|prefer|require], or \
                postgres://USER@/DATABASE?host=/run/postgresql for a Unix socket; PGPASSWORD is read when \
                the URL holds no password. Default: $KIOSK_HQ_DATABASE, else SQLite in the data folder. \
                The keys and the published unit catalogs stay files in the data folder, which every \
                instance needs a copy of.
                """, valueName: "url"))
    var database: String?

    /// The PostgreSQL URL from --database or KIOSK_HQ_DATABASE, or nil for SQLite.
    var databaseURL: String? {
        database ?? ProcessInfo.processInfo.environment["KIOSK_HQ_DATABASE"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Runs `body` with headquarters' store: PostgreSQL when a database URL is given, else the
    /// data folder's SQLite database.
    func withStore<T>(
        _ folder: HQFolder, logger: Logger = Logger(label: "kiosk-hq"), _ body: (any HQStore) async throws -> T
    ) async throws -> T {
        guard let url = databaseURL else {
            return try await body(try SQLiteHQStore.open(folder))
        }
        return try await PostgresHQStore.withStore(url: url, logger: logger) { try await body($0) }
    }

    /// The folder, created (0700) if missing.
    func folder() throws -> HQFolder {
        let environment = ProcessInfo.processInfo.environment
        let path = dataDir ?? environment["KIOSK_HQ_DATA_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "hq-data"
        let url = URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        let folder = HQFolder(url: url.standardizedFileURL)
        try folder.prepare()
        return folder
    }
}

/// Logs go to standard error; the level comes from KIOSK_HQ_LOG_LEVEL (default `info`).
enum HQLogging {
    static func bootstrap() -> Logger {
        let level =
            ProcessInfo.processInfo.environment["KIOSK_HQ_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        return Logger(label: "kiosk-hq")
    }
}
