import Foundation
import KioskCore
import KioskStore
import KioskTerminal

/// The staff review console as a state machine: a line in, a reply out.
///
/// It owns the login, the session and its limits, and the commands; the caller reads lines
/// (with the timeout `deadline` asks for) and prints replies. Everything stored that it
/// prints goes through `TerminalText.escape`. The clock is injected, so tests drive idle
/// timeouts and session lifetimes without waiting.
package final class ReviewConsole {
    package struct Settings: Sendable {
        /// The center code, to complete a bare serial number typed as a reference.
        package var center: String
        package var policy = LoginPolicy()
        package var pageSize = 20
        package var timeZone = TimeZone.current

        package init(center: String) {
            self.center = center
        }
    }

    let database: AppDatabase
    let forms: ReviewForms
    package let clock: any ReviewClock
    let settings: Settings
    let uploader: UploadLauncher?
    let authenticator: Authenticator
    let time: ReviewTime

    enum Phase {
        case staffID
        case password(id: String, askedAt: Date)
        case command
        case editValue(EditDraft)
        case editReason(EditDraft, newValue: AnswerValue?)
    }

    struct Session {
        var account: StaffAccount
        let startedAt: Date
        var lastInputAt: Date
    }

    var phase = Phase.staffID
    var session: Session?
    /// Set by `upload`, done by `proceed()`.
    var pendingUpload = false
    /// The last list shown, for `more`.
    var lastList: (states: [ApplicationState]?, name: String, page: Int)?

    package init(
        database: AppDatabase, forms: ReviewForms, clock: any ReviewClock = SystemClock(), settings: Settings,
        uploader: UploadLauncher? = nil
    ) {
        self.database = database
        self.forms = forms
        self.clock = clock
        self.settings = settings
        self.uploader = uploader
        self.authenticator = Authenticator(database: database, policy: settings.policy)
        self.time = ReviewTime(timeZone: settings.timeZone)
    }

    /// A console text in the console's language (`kiosk review --lang`, default from the config).
    package func localized(_ key: InterfaceStrings.ConsoleKey, _ arguments: [String: String] = [:]) -> String {
        forms.strings.format(key, arguments)
    }

    var staffIDPrompt: String { localized(.promptStaffID) }
    var passwordPrompt: String { localized(.promptPassword) }
    /// The command prompt, and the commands themselves, stay English in every language.
    static let commandPrompt = "review> "

    // MARK: - Input

    /// The first screen.
    package func start() -> ConsoleReply {
        ConsoleReply(
            lines: [localized(.welcome)], prompt: staffIDPrompt)
    }

    /// When the caller should give up waiting for a line and call `inputTimedOut()`; nil to wait for ever.
    package var deadline: Date? {
        switch phase {
        case .staffID:
            return nil
        case .password(_, let askedAt):
            return askedAt + settings.policy.idleTimeout.timeInterval
        case .command, .editValue, .editReason:
            return session.map(sessionDeadline)
        }
    }

    package func handle(_ line: String) -> ConsoleReply {
        let now = clock.now
        switch phase {
        case .staffID:
            let id = line.trimmingCharacters(in: .whitespaces).lowercased()
            guard !id.isEmpty else { return ConsoleReply(prompt: staffIDPrompt) }
            phase = .password(id: id, askedAt: now)
            return ConsoleReply(prompt: passwordPrompt, hidesInput: true)
        case .password(let id, let askedAt):
            if now >= askedAt + settings.policy.idleTimeout.timeInterval {
                phase = .staffID
                return ConsoleReply(lines: [localized(.tooSlow)], prompt: staffIDPrompt)
            }
            return logIn(id: id, password: line, at: now)
        case .command, .editValue, .editReason:
            if let ended = endSessionIfOver(at: now) { return ended }
            session?.lastInputAt = now
            return guarded { try inSession(line) }
        }
    }

    /// A line the reader refused (too long, control keys, invalid UTF-8).
    package func refused(_ rejection: LineRejection) -> ConsoleReply {
        let reason =
            switch rejection {
            case .tooLong(let limit): localized(.reasonTooLong, ["limit": "\(limit)"])
            case .invalidUTF8: localized(.reasonInvalidUTF8)
            case .controlCharacter: localized(.reasonControl)
            }
        let note = localized(.lineRefused, ["reason": reason])
        switch phase {
        case .staffID: return ConsoleReply(lines: [note], prompt: staffIDPrompt)
        case .password:
            phase = .staffID
            return ConsoleReply(lines: [note], prompt: staffIDPrompt)
        case .command, .editValue, .editReason:
            if let ended = endSessionIfOver(at: clock.now) { return ended }
            return ConsoleReply(lines: [note], prompt: currentPrompt)
        }
    }

    /// The deadline passed without a line: the session (or the login) ends if it is over.
    package func inputTimedOut() -> ConsoleReply {
        let now = clock.now
        if case .password(_, let askedAt) = phase, now >= askedAt + settings.policy.idleTimeout.timeInterval {
            phase = .staffID
            return ConsoleReply(lines: ["", localized(.tooSlow)], prompt: staffIDPrompt)
        }
        if let ended = endSessionIfOver(at: now) { return ended }
        return ConsoleReply(prompt: currentPrompt)
    }

    /// End of input: logs out (if logged in) and finishes.
    package func endOfInput() -> ConsoleReply {
        var reply = ConsoleReply(prompt: nil)
        if session != nil {
            reply = endSession(reason: "end of input", message: nil)
            reply.prompt = nil
        }
        return reply
    }

    var currentPrompt: String {
        switch phase {
        case .staffID: staffIDPrompt
        case .password: passwordPrompt
        case .command: Self.commandPrompt
        case .editValue: localized(.promptNewValue)
        case .editReason: localized(.promptReason)
        }
    }

    // MARK: - Login and session

    private func logIn(id: String, password: String, at now: Date) -> ConsoleReply {
        phase = .staffID
        let outcome: Authenticator.Outcome
        do {
            outcome = try authenticator.logIn(id: id, password: password, at: now)
        } catch {
            return ConsoleReply(lines: ["! " + failureMessage(error)], prompt: staffIDPrompt)
        }
        switch outcome {
        case .success(let account):
            session = Session(account: account, startedAt: now, lastInputAt: now)
            phase = .command
            return ConsoleReply(
                lines: [
                    localized(
                        .loggedIn,
                        [
                            "name": TerminalText.escape(account.name), "id": TerminalText.escape(account.id),
                            "role": account.role.rawValue,
                        ]),
                    localized(.loggedInHint),
                ], prompt: Self.commandPrompt)
        case .failure(let delay):
            return ConsoleReply(lines: [localized(.loginFailed)], pause: delay, prompt: staffIDPrompt)
        }
    }

    private func sessionDeadline(_ session: Session) -> Date {
        min(
            session.lastInputAt + settings.policy.idleTimeout.timeInterval,
            session.startedAt + settings.policy.sessionLifetime.timeInterval)
    }

    /// Ends the session when it is idle too long, past its lifetime, or its account was disabled.
    func endSessionIfOver(at now: Date) -> ConsoleReply? {
        guard let current = session else { return nil }
        if now >= current.startedAt + settings.policy.sessionLifetime.timeInterval {
            return endSession(
                reason: "lifetime",
                message: localized(
                    .sessionLifetime,
                    [
                        "limit": Self.hours(settings.policy.sessionLifetime),
                        "seconds": "\(settings.policy.sessionLifetime.components.seconds)",
                    ]))
        }
        if now >= current.lastInputAt + settings.policy.idleTimeout.timeInterval {
            return endSession(
                reason: "idle",
                message: localized(
                    .sessionIdle,
                    [
                        "duration": Self.minutes(settings.policy.idleTimeout),
                        "seconds": "\(settings.policy.idleTimeout.components.seconds)",
                    ]))
        }
        if let account = try? database.staff.account(id: current.account.id) {
            if account.disabledAt != nil {
                return endSession(reason: "disabled", message: localized(.sessionDisabled))
            }
            session?.account = account
        }
        return nil
    }

    /// Logs out with an audit entry, clears the screen, and returns to the login prompt.
    func endSession(reason: String, message: String?) -> ConsoleReply {
        if let current = session {
            try? database.audit.append(
                AuditRecord(staffID: current.account.id, action: .logout, detail: reason), at: clock.now,
                hasher: .sha256)
        }
        session = nil
        phase = .staffID
        lastList = nil
        return ConsoleReply(
            clearsScreen: true,
            lines: (message.map { [$0] } ?? []) + [localized(.welcome)],
            prompt: staffIDPrompt)
    }

    /// Runs a command; a database problem becomes a message and the console goes on.
    func guarded(_ body: () throws -> ConsoleReply) -> ConsoleReply {
        do {
            return try body()
        } catch {
            phase = session == nil ? .staffID : .command
            return ConsoleReply(lines: ["! " + failureMessage(error)], prompt: currentPrompt)
        }
    }

    /// What a person is told when the store fails: what happened and what to do, no SQL, no data.
    func failureMessage(_ error: any Error) -> String {
        if let error = error as? StaffError { return error.description }
        if let error = error as? StoreError, error.code == .malformedRow { return "\(error)." }
        if let error = error as? StoreError { return localized(.databaseUnusable, ["problem": "\(error)"]) }
        return localized(.databaseBusy)
    }

    /// English phrases for the English texts ("5 minutes", "8-hour"); the others take seconds.
    static func minutes(_ duration: Duration) -> String {
        let seconds = Int(duration.components.seconds)
        return seconds % 60 == 0 ? "\(seconds / 60) minute\(seconds == 60 ? "" : "s")" : "\(seconds) seconds"
    }

    static func hours(_ duration: Duration) -> String {
        let seconds = Int(duration.components.seconds)
        return seconds % 3600 == 0 ? "\(seconds / 3600)-hour" : "\(seconds)-second"
    }
}

extension Duration {
    /// Seconds as a `TimeInterval`, to add to a `Date`.
    var timeInterval: TimeInterval {
        let (seconds, attoseconds) = components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
