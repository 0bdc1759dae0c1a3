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
            "Headquarters' data folder (database, receipt key, batches).",
            discussion: "Default: $KIOSK_HQ_DATA_DIR, else ./hq-data.", valueName: "dir"))
    var dataDir: String?

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
