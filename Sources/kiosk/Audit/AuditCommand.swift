import ArgumentParser
import Foundation
import KioskApp
import KioskCommandLine
import KioskCore
import KioskReview
import KioskStore
import KioskTerminal

/// `kiosk audit`: check and print the tamper-evident log of staff actions.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Verify and list the audit log of staff actions.",
        discussion: """
            Every login, failed login, logout, show, search, list, decision, edit, upload request \
            and account change is logged with its time, staff ID, action and reference, never \
            personal data. Each entry holds the SHA-256 of the previous one.
            """,
        subcommands: [Verify.self, List.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the hash chain; exits 1 naming each edited, deleted or reordered entry.",
            discussion: """
                Prints the head hash on success. Note it somewhere else (or pass it later with \
                --head): a log rewritten from some entry on with new hashes is only caught against it.
                """)

        @OptionGroup var data: DataOptions

        @Option(
            help: ArgumentHelp(
                "A head hash printed by an earlier verify, which must still be in the log.", valueName: "sha256"))
        var head: String?

        func validate() throws {
            if let head, head.count != 64 || !head.allSatisfy(\.isHexDigit) {
                throw ValidationError("--head takes the 64 hexadecimal digits an earlier verify printed")
            }
        }

        func run() async throws {
            let database = try AuditCommand.database(data)
            let report = try AuditVerifier().verify(database, expectedHead: head)
            if report.isIntact {
                let last = report.lastID.map { ", last entry \($0)" } ?? ""
                print("OK: \(report.count) audit entries, chain intact\(last)")
                if let head = report.head { print("head: \(head)") }
                return
            }
            for problem in report.problems {
                print("FAIL: \(problem)")
            }
            print(
                "The audit log was tampered with: \(report.problems.count) problem\(report.problems.count == 1 ? "" : "s") in \(report.count) entries."
            )
            throw ExitCode.failure
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the audit log, oldest first.")

        @OptionGroup var data: DataOptions

        @Option(help: ArgumentHelp("Only entries from this day on (YYYY-MM-DD, local time).", valueName: "date"))
        var since: String?

        func validate() throws {
            if let since, (try? CalendarDate.parse(since)) == nil {
                throw ValidationError("--since takes a date such as 2026-11-27")
            }
        }

        func run() async throws {
            let database = try AuditCommand.database(data)
            let time = ReviewTime(timeZone: .current)
            let start = try since.map { text -> Date in
                let day = try CalendarDate.parse(text)
                let components = DateComponents(year: day.year, month: day.month, day: day.day)
                return time.calendar.date(from: components) ?? Date.distantPast
            }
            print(
                ReviewScreen.row([
                    (ReviewScreen.right("#", 5), 5), ("Time", 16), ("Staff", 12), ("Action", 14), ("Reference", 20),
                    ("Detail", 40),
                ]))
            var count = 0
            try database.audit.forEachEntry(since: start) { entry in
                count += 1
                print(
                    ReviewScreen.row([
                        (ReviewScreen.right("\(entry.id)", 5), 5),
                        (entry.date.map(time.minute) ?? TerminalText.escape(entry.at), 16),
                        (TerminalText.escape(entry.staffID ?? "-"), 12), (TerminalText.escape(entry.action), 14),
                        (TerminalText.escape(entry.reference ?? ""), 20), (TerminalText.escape(entry.detail ?? ""), 40),
                    ]))
            }
            if count == 0 { print("(no entries)") }
        }
    }

    static func database(_ data: DataOptions) throws -> AppDatabase {
        KioskLogging.bootstrap(ProcessInfo.processInfo.environment)
        let folder = try data.preparedFolder()
        return try folder.openDatabase()
    }
}
