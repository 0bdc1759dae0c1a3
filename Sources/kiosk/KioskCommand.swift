import ArgumentParser
import KioskCommandLine

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
    /// the default subcommand's help, which is what the parser would otherwise do. The form
    /// (`kiosk attend`, or `kiosk` alone) runs in `kiosk-attend` when it is beside this program.
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments.first == "--help" || arguments.first == "-h" {
            print(helpMessage())
            return
        }
        if let options = attendOptions(arguments), let attend = AttendExecutable.besideThisProgram() {
            AttendExecutable.exec(attend, arguments: options)
        }
        await main(arguments)
    }

    /// The options to hand to `kiosk-attend` when `arguments` run the form; nil for every other
    /// command and for any help, which this program prints with the whole command tree.
    static func attendOptions(_ arguments: [String]) -> [String]? {
        let help: Set = ["-h", "--help", "--help-hidden", "--version", "--experimental-dump-help"]
        if arguments.contains(where: help.contains) { return nil }
        if arguments.first == "attend" { return Array(arguments.dropFirst()) }
        if arguments.isEmpty { return [] }
        // Options with no subcommand name go to the default subcommand, attend; the parser says.
        if arguments[0].hasPrefix("-"), (try? parseAsRoot(arguments)) is AttendCommand { return arguments }
        return nil
    }
}
