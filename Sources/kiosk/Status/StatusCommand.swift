import ArgumentParser
import Foundation
import KioskApp
import KioskCommandLine

/// `kiosk status`: what is stored, and whether the database is healthy.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the center, application counts by state and the database integrity.",
        discussion:
            "Exits 1 when the database is damaged (by its structure, or by the last full check) or cannot be opened.")

    @OptionGroup var data: DataOptions

    @Flag(help: "Print JSON for monitoring instead of text.")
    var json = false

    @Flag(
        help: ArgumentHelp(
            "Run the full integrity check of the database now and record it (for a schedule).",
            discussion: "It reads the whole file; without it, status reports the last recorded check."))
    var fullCheck = false

    func run() async throws {
        KioskLogging.bootstrap(ProcessInfo.processInfo.environment)
        let report = try StatusReport(try data.context(), fullCheck: fullCheck)
        print(json ? try report.json() : report.text)
        if !report.isIntact { throw ExitCode.failure }
    }
}
