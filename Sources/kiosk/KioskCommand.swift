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
        subcommands: [
            AttendCommand.self, StatusCommand.self, KeysCommand.self, BatchCommand.self, UploadCommand.self,
            StaffCommand.self, ReviewCommand.self, AuditCommand.self, ConfigCommand.self,
        ],
        defaultSubcommand: AttendCommand.self
    )

    /// Runs the command line; `kiosk --help` lists every subcommand instead of showing only
    /// the default subcommand's help, which is what the parser would otherwise do.
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.first == "--help" || arguments.first == "-h" {
            print(helpMessage())
            return
        }
        main(arguments)
    }
}

/// Logs go to standard error; the level comes from KIOSK_LOG_LEVEL (default `warning`, so a
/// console kiosk's screen is not disturbed). Under systemd the lines take the journal's
/// format (JournalLogHandler). Log lines never carry personal data.
enum KioskLogging {
    static func bootstrap(_ environment: [String: String]) {
        let level = environment["KIOSK_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
        let journal = JournalLogHandler.isWanted(environment)
        LoggingSystem.bootstrap { label -> any LogHandler in
            if journal {
                var handler = JournalLogHandler(label: label)
                handler.logLevel = level
                return handler
            }
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
