import ArgumentParser

/// The kiosk's command line: `kiosk` alone runs the applicant form (`attend`).
@main
struct KioskCommand: AsyncParsableCommand {
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
            CatalogCommand.self, StaffCommand.self, ReviewCommand.self, AuditCommand.self, ConfigCommand.self,
        ],
        defaultSubcommand: AttendCommand.self
    )

    /// Runs the command line; `kiosk --help` lists every subcommand instead of showing only
    /// the default subcommand's help, which is what the parser would otherwise do.
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.first == "--help" || arguments.first == "-h" {
            print(helpMessage())
            return
        }
        await main(arguments)
    }
}
