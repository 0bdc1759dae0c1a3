import ArgumentParser
import Foundation
import KioskApp
import KioskCommandLine
import KioskCore
import KioskReview

/// `kiosk review`: the staff review console on this terminal.
struct ReviewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "review",
        abstract: "Run the staff review console on this terminal.",
        discussion: """
            Log in with a staff account (kiosk staff add), then type help. Sessions end after 5 \
            minutes without input and 8 hours after login; after failed logins in a row an \
            account waits longer before each new try (1 s doubling, at most 15 minutes), and a \
            supervisor's unlock ends the wait. On a pipe the password is read as a line.
            """)

    @OptionGroup var data: DataOptions

    @Option(
        help: ArgumentHelp(
            "The console's language: its texts, field labels, choices and validation messages (uk, en or lt).",
            discussion: "Default: staff_language in the configuration, else en. Commands are typed in English."))
    var lang: Language?

    // For tests only: these can shorten the limits, never lengthen them.
    @Option(name: .customLong("login-delay-ms"), help: .private)
    var loginDelayMilliseconds: Int?

    @Option(name: .customLong("idle-timeout"), help: .private)
    var idleTimeout: Int?

    @Option(name: .customLong("session-lifetime"), help: .private)
    var sessionLifetime: Int?

    #if DEBUG
    // For the end-to-end tests of the idle timeout, in debug builds only: the console's clock
    // read from a file of Unix seconds, which the test rewrites to move time on.
    @Option(name: .customLong("clock-file"), help: .private)
    var clockFile: String?
    #endif

    func validate() throws {
        if let loginDelayMilliseconds, !(0...1000).contains(loginDelayMilliseconds) {
            throw ValidationError("--login-delay-ms must be between 0 and 1000")
        }
        if let idleTimeout, !(1...300).contains(idleTimeout) {
            throw ValidationError("--idle-timeout must be between 1 and 300 seconds")
        }
        if let sessionLifetime, !(1...28_800).contains(sessionLifetime) {
            throw ValidationError("--session-lifetime must be between 1 and 28800 seconds")
        }
    }

    func run() async throws {
        KioskLogging.bootstrap(ProcessInfo.processInfo.environment)
        let context = try data.context()
        let language = lang ?? context.config.consoleLanguage
        guard let strings = context.resources.strings[language] else {
            throw ValidationError("there are no interface strings for \(language.rawValue)")
        }
        let forms = ReviewForms(
            forms: context.resources.forms.values.map(\.definition), catalog: context.reviewCatalog,
            numbers: context.resources.numbers, strings: strings)
        var settings = ReviewConsole.Settings(center: context.config.center)
        if let loginDelayMilliseconds { settings.policy.baseDelay = .milliseconds(loginDelayMilliseconds) }
        if let idleTimeout { settings.policy.idleTimeout = .seconds(idleTimeout) }
        if let sessionLifetime { settings.policy.sessionLifetime = .seconds(sessionLifetime) }
        let (clock, pollInterval) = consoleClock()
        let console = ReviewConsole(
            database: try context.folder.openDatabase(), forms: forms, clock: clock, settings: settings,
            uploader: uploader(context))
        try ReviewLoop(
            console: console, notices: ReviewLoop.catalogNotices(CatalogStatusReport(context)),
            pollInterval: pollInterval
        ).run()
    }

    /// The system clock, or in a debug build the test's `--clock-file` (looked at every 100 ms).
    private func consoleClock() -> (any ReviewClock, Duration?) {
        #if DEBUG
        if let clockFile { return (FileClock(url: URL(fileURLWithPath: clockFile)), .milliseconds(100)) }
        #endif
        return (SystemClock(), nil)
    }

    /// `kiosk upload` of this same executable, on the same data folder; with
    /// `KIOSK_UPLOAD_REQUEST` (set by kiosk-review@.service), a request for kiosk-upload.service.
    private func uploader(_ context: KioskContext) -> UploadLauncher {
        let executable = Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
        let available = KioskCommand.configuration.subcommands.contains { $0._commandName == "upload" }
        return UploadLauncher(
            executable: executable,
            arguments: [
                "upload", "--data-dir", context.folder.url.path, "--kiosk-dir", context.resources.directory.path,
            ],
            isAvailable: available,
            requestFile: ProcessInfo.processInfo.environment["KIOSK_UPLOAD_REQUEST"].map { URL(fileURLWithPath: $0) })
    }
}
