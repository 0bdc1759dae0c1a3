import ArgumentParser
import Foundation
import KioskApp
import KioskCore
import KioskTerminal
import Logging

/// `kiosk attend`: the applicant form on this terminal.
package struct AttendCommand: AsyncParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "attend",
        abstract: "Run the applicant form on this terminal (the default command).",
        discussion: """
            One question per prompt. At any prompt the applicant can type back, help, review or \
            cancel. Unfinished applications live in memory only and are dropped after the idle \
            timeout or at end of input. On a terminal, Ctrl-C, Ctrl-Z and Ctrl-\\ do not stop \
            the kiosk; stop it with its service manager. Units and positions come from the \
            newest catalog fetched from headquarters (`kiosk catalog fetch`, `kiosk upload`), used \
            from the next applicant on without a restart; without one, from Kiosk/units.json.
            """
    )

    package init() {}

    @OptionGroup var data: DataOptions

    @Option(help: "Skip the language menu and use this language (uk, en or lt).")
    var lang: Language?

    @Option(help: "The form to fill (a file forms/ID.json); default: the config's form.")
    var form: String?

    @Flag(help: "Exit after one stored application or at end of input.")
    var once = false

    @Option(
        name: .customLong("idle-timeout"),
        help: ArgumentHelp(
            "Seconds without input before an unfinished application is dropped (default: config, 120).",
            valueName: "seconds"))
    var idleTimeout: Int?

    // For tests only: how often the free disk and the database are checked while out of
    // service or waiting at the welcome screen (default 30 seconds).
    @Option(name: .customLong("health-interval"), help: .private)
    var healthInterval: Int?

    package func validate() throws {
        if let idleTimeout, !(1...86_400).contains(idleTimeout) {
            throw ValidationError("--idle-timeout must be between 1 and 86400 seconds")
        }
        if let healthInterval, !(1...3600).contains(healthInterval) {
            throw ValidationError("--health-interval must be between 1 and 3600 seconds")
        }
    }

    package func run() async throws {
        KioskLogging.bootstrap(ProcessInfo.processInfo.environment)
        let context = try data.context(forms: .attend(override: form))
        let form = try context.resources.form(form ?? context.config.form)
        if let lang, !form.definition.languages.contains(lang) {
            throw ValidationError("the form \(form.definition.id) is not translated into \(lang.rawValue)")
        }
        let input = TerminalInput(fileDescriptor: STDIN_FILENO)
        let mode = try TerminalControl.enterKioskMode(STDIN_FILENO)
        defer { try? mode.restore() }
        if input.isTerminal {
            try TerminalControl.ignoreJobControlSignals()
        } else {
            signal(SIGPIPE, SIG_IGN)
        }
        let clock = SystemAttendClock()
        // The database is opened by the health checks: a damaged one or a full disk shows
        // "out of service" on this terminal instead of stopping the service.
        var service = AttendService(
            form: form, resources: context.resources, center: context.config.center,
            health: ServiceHealth(check: HealthCheck(folder: context.folder, config: context.config), clock: clock),
            settings: AttendService.Settings(
                fixedLanguage: lang, once: once,
                idleTimeout: .seconds(idleTimeout ?? context.config.idleTimeoutSeconds),
                healthInterval: .seconds(healthInterval ?? 30)),
            input: input, output: TerminalWriter(fileDescriptor: STDOUT_FILENO), clock: clock,
            logger: Logger(label: "kiosk.attend"), catalogs: CatalogWatcher(context: context))
        try service.run()
    }
}

extension Language: ExpressibleByArgument {}
