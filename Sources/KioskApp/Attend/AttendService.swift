import Foundation
import KioskCore
import KioskStore
import KioskTerminal
import Logging

/// The kiosk's applicant service: welcome, language, the form, the review, the reference
/// number, and back to the welcome screen for the next person.
///
/// A thin driver around `FormSession` (a line in, a step out): it reads lines from its
/// `AttendInput` with the idle timeout, shows each step through `AttendScreen` on its
/// `AttendOutput`, stores a submitted draft and reads the time from its `AttendClock`. Tests
/// pass a script, a recorder and a clock they move on, so an idle timeout needs no waiting.
///
/// Drafts live only in the `FormSession` value of one pass: a timeout, a cancel or end of
/// input drops it, and the screen and scrollback are cleared before the next person.
///
/// Before each person, and while the welcome screen waits, the service checks its health
/// (free disk, database integrity): on a problem it shows "out of service" instead of the
/// form, logs why, and checks again every `healthInterval` rather than exiting into a restart loop.
package struct AttendService {
    /// How the service behaves, from the command line and the configuration.
    package struct Settings: Sendable {
        /// Skip the language menu and use this language.
        package var fixedLanguage: Language?
        /// Stop after one stored application or at end of input.
        package var once = false
        /// Without input this long, an unfinished application is dropped.
        package var idleTimeout: Duration
        /// How often the health is checked while out of service or waiting at the welcome screen.
        package var healthInterval: Duration = .seconds(30)

        package init(
            fixedLanguage: Language? = nil, once: Bool = false, idleTimeout: Duration,
            healthInterval: Duration = .seconds(30)
        ) {
            self.fixedLanguage = fixedLanguage
            self.once = once
            self.idleTimeout = idleTimeout
            self.healthInterval = healthInterval
        }
    }

    let form: KioskResources.LoadedForm
    let resources: KioskResources
    let center: String
    /// Owns the database once it opened cleanly.
    var health: ServiceHealth
    let settings: Settings
    let reader: any AttendInput
    let writer: any AttendOutput
    let clock: any AttendClock
    let logger: Logger
    /// The newest verified unit catalog, read again when it changed; nil offers `resources.catalog`.
    var catalogs: CatalogWatcher?

    /// When input last ended, to back off if a hung-up tty keeps reporting end of input.
    private var lastEndOfInput: Date?

    package init(
        form: KioskResources.LoadedForm, resources: KioskResources, center: String, health: ServiceHealth,
        settings: Settings, input: any AttendInput, output: any AttendOutput,
        clock: any AttendClock = SystemAttendClock(), logger: Logger, catalogs: CatalogWatcher? = nil
    ) {
        self.catalogs = catalogs
        self.form = form
        self.resources = resources
        self.center = center
        self.health = health
        self.settings = settings
        self.reader = input
        self.writer = output
        self.clock = clock
        self.logger = logger
    }

    private var once: Bool { settings.once }
    private var isTerminal: Bool { reader.isTerminal }
    private var idleTimeout: Duration { settings.idleTimeout }
    private var healthInterval: Duration { settings.healthInterval }

    /// How one applicant's visit ended.
    enum VisitEnd {
        case stored, dropped, endOfInput, outOfService
    }

    /// How the welcome screen ended.
    private enum Welcome {
        case chosen(Language)
        case endOfInput, outOfService
    }

    /// Serves applicants until the input ends (on a pipe or with `once`) or, with `once`,
    /// one application is stored; on a terminal it runs until the process is stopped.
    /// - Throws: `OutOfServiceError` when the input ends while out of service; a
    ///   `TerminalError` when the output is gone.
    package mutating func run() throws {
        logger.info("kiosk attend started", metadata: ["center": "\(center)", "form": "\(form.definition.id)"])
        while true {
            let database = try waitUntilInService()
            let end = try visit(database)
            if end == .endOfInput && (once || !isTerminal) { return }
            if end == .stored && once { return }
            if end == .endOfInput { backOffAfterEndOfInput() }
        }
    }

    // MARK: - One visit

    private mutating func visit(_ database: AppDatabase) throws -> VisitEnd {
        try writer.clearScreen()
        // Typeahead from the previous person must not answer the next person's questions.
        reader.discardTypeahead()
        let language: Language
        if let fixedLanguage = settings.fixedLanguage {
            language = fixedLanguage
        } else {
            switch try chooseLanguage() {
            case .chosen(let chosen): language = chosen
            case .endOfInput: return .endOfInput
            case .outOfService: return .outOfService
            }
        }
        // The full integrity check has run behind the welcome screen; the form waits for it.
        if health.fullCheckProblem() != nil { return .outOfService }
        guard let strings = resources.strings[language] else { return .dropped }
        var screen = AttendScreen(strings: strings)
        // From the next applicant on, the newest catalog fetched from headquarters.
        let (now, logger) = (clock.now, logger)
        let offered = catalogs?.offered(now: now, logger: logger)
        var session = FormSession(
            form: form.definition, catalog: offered?.catalog ?? resources.catalog, numbers: resources.numbers,
            strings: strings,
            today: CalendarDate(date: clock.now, timeZone: .current))
        var step = session.start()
        while true {
            screen.size = writer.size
            switch step {
            case .submit(let draft):
                if let reference = store(draft, catalogVersion: offered?.version ?? 0, in: database) {
                    try show(
                        screen.stored(reference: reference, bringToDesk: form.definition.bringToDesk.resolve(language)))
                    // Leave the number on screen until Enter or the idle timeout, then clear it.
                    let event = reader.readLine(timeout: idleTimeout)
                    if event == .timeout { logger.info("reference screen timed out") }
                    try writer.clearScreen()
                    return event == .endOfInput && !once ? .endOfInput : .stored
                }
                health.storeFailed()
                step = session.storeFailed(message: strings.format(.errorStoreFailed))
                continue
            case .cancelled:
                try show(screen.lines(for: step))
                return .dropped
            default:
                try show(screen.lines(for: step))
            }
            try writer.write(AttendScreen.prompt)
            switch reader.readLine(timeout: idleTimeout) {
            case .line(let line):
                step = session.handle(line)
            case .rejected(let rejection):
                try show(["! " + screen.text(Self.key(for: rejection), ["limit": "\(reader.maxLineBytes)"])])
            case .timeout:
                logger.info("idle timeout: unfinished application dropped")
                try writer.writeLine("")
                return .dropped
            case .endOfInput:
                logger.info("end of input: unfinished application dropped")
                return .endOfInput
            }
        }
    }

    /// Stores the draft; the reference is shown only after the commit returned.
    private func store(_ draft: ApplicationDraft, catalogVersion: Int, in database: AppDatabase) -> String? {
        let now = clock.now
        let today = CalendarDate(date: now, timeZone: .current)
        do {
            let stored = try database.applications.submit(
                draft, formSHA256: form.sha256, center: center, year: today.year, at: now,
                catalogVersion: catalogVersion)
            logger.info(
                "application stored", metadata: ["reference": "\(stored.reference)", "form": "\(draft.formID)"])
            return stored.reference
        } catch {
            // The error text names the database problem, never the answers.
            logger.error("application not stored: \(error)")
            return nil
        }
    }

    // MARK: - Welcome

    /// Shows the welcome screen until a language is chosen, checking the kiosk's health
    /// every `healthInterval` while no one is there.
    private mutating func chooseLanguage() throws -> Welcome {
        let languages = form.definition.languages
        let all = languages.compactMap { resources.strings[$0] }
        try show(
            AttendScreen.welcome(
                title: all.map { $0.format(.welcomeTitle) },
                intro: all.map { $0.format(.welcomeIntro) },
                choose: all.map { $0.format(.welcomeChooseLanguage) }.joined(separator: " / "),
                languages: languages))
        var prompt = true
        while true {
            // A health check that finds nothing wrong leaves the screen as it is.
            if prompt { try writer.write(AttendScreen.prompt) }
            prompt = true
            switch reader.readLine(timeout: healthInterval) {
            case .line(let line):
                if let language = Self.language(line, among: languages) { return .chosen(language) }
                // One line a language, so each wraps on its own.
                try show(all.map { "! " + TerminalText.escape($0.format(.welcomeInvalidLanguage)) })
            case .rejected(let rejection):
                let key = Self.key(for: rejection)
                try show(all.map { "! " + AttendScreen(strings: $0).text(key, ["limit": "\(reader.maxLineBytes)"]) })
            case .timeout:
                // An unfinished line stays buffered across the check.
                if !health.problems().isEmpty { return .outOfService }
                prompt = false
            case .endOfInput:
                return .endOfInput
            }
        }
    }

    // MARK: - Out of service

    /// The open database, once the kiosk is healthy. Until then the out-of-service screen
    /// stays up in every language of the form, typed lines are discarded, the checks run
    /// again every `healthInterval`, and the reasons are logged whenever they change.
    /// - Throws: `OutOfServiceError` at end of input on a pipe or with `once`: there is
    ///   no one to wait for.
    private mutating func waitUntilInService() throws -> AppDatabase {
        var reported: [HealthProblem] = []
        while true {
            let problems = health.problems()
            if problems.isEmpty, let database = health.database {
                if !reported.isEmpty { logger.notice("back in service") }
                return database
            }
            if problems != reported {
                logger.error("out of service: \(problems.map(\.description).joined(separator: "; "))")
                reported = problems
                try showOutOfService()
            }
            switch reader.readLine(timeout: healthInterval) {
            case .line, .rejected:
                try showOutOfService()
            case .timeout:
                continue
            case .endOfInput:
                if once || !isTerminal { throw OutOfServiceError(problems: problems) }
                backOffAfterEndOfInput()
            }
        }
    }

    private func showOutOfService() throws {
        try writer.clearScreen()
        let all = form.definition.languages.compactMap { resources.strings[$0] }
        try show(all.map { TerminalText.escape($0.format(.serviceOutOfService)) })
    }

    /// A language by its menu number, its code or its own name.
    static func language(_ input: String, among languages: [Language]) -> Language? {
        let key = input.trimmingCharacters(in: .whitespaces).lowercased()
        if let number = Int(key), languages.indices.contains(number - 1) { return languages[number - 1] }
        return languages.first { $0.rawValue == key || $0.nativeName.lowercased() == key }
    }

    static func key(for rejection: LineRejection) -> InterfaceStrings.Key {
        switch rejection {
        case .tooLong: .inputTooLong
        case .invalidUTF8: .inputInvalidUTF8
        case .controlCharacter: .inputControlCharacters
        }
    }

    // MARK: - Output

    /// Writes `lines` wrapped at word boundaries to the screen's width now.
    private func show(_ lines: [String]) throws {
        try writer.write(LineWrapper.wrap(lines, width: writer.size.columns).map { $0 + "\n" }.joined())
    }

    /// On a tty that keeps reporting end of input (hung up), wait instead of spinning.
    private mutating func backOffAfterEndOfInput() {
        let now = clock.now
        if let last = lastEndOfInput, abs(now.timeIntervalSince(last)) < 1 {
            clock.sleep(for: .seconds(1))
        }
        lastEndOfInput = now
    }
}
