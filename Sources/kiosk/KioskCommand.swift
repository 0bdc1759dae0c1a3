import ArgumentParser
import Logging

/// The kiosk's command line: `kiosk` alone runs the applicant form (`attend`).
@main
struct KioskCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kiosk",
        abstract: "Contract-enlistment application kiosk for a recruiting center.",
        discussion: """
            Applicants fill their application at a line-based terminal (console, serial line or \
            pipe); it is stored in SQLite in the data folder. Without --data-dir (or \
            KIOSK_DATA_DIR) the kiosk uses ./kiosk-data, created on first use with the demo \
            center DEMO01.
            """,
        subcommands: [AttendCommand.self, StatusCommand.self],
        defaultSubcommand: AttendCommand.self
    )
}

/// Logs go to standard error; the level comes from KIOSK_LOG_LEVEL (default `warning`, so a
/// console kiosk's screen is not disturbed). Log lines never carry personal data.
enum KioskLogging {
    static func bootstrap(_ environment: [String: String]) {
        let level = environment["KIOSK_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
