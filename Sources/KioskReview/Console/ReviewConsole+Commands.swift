import Foundation
import KioskCore
import KioskStore
import KioskTerminal

// MARK: - Commands

extension ReviewConsole {
    /// The commands (typed in English in every language) and what each does.
    var help: [String] {
        let commands: [(String, InterfaceStrings.ConsoleKey)] = [
            ("more", .helpMore), ("show REF", .helpShow), ("search TEXT", .helpSearch),
            ("approve REF", .helpApprove), ("reject REF REASON", .helpReject), ("issue REF NOTE", .helpIssue),
            ("note REF TEXT", .helpNote), ("edit REF FIELD", .helpEdit), ("stats", .helpStats),
            ("outbox", .helpOutbox), ("upload", .helpUpload), ("unlock ID", .helpUnlock), ("logout", .helpLogout),
            ("quit", .helpQuit),
        ]
        let list = [
            localized(.helpTitle),
            "  list [submitted|has-issues|approved|rejected|batched|delivered|all] [PAGE]",
            String(repeating: " ", count: 24) + localized(.helpList),
        ]
        return list
            + commands.map { (command: String, key: InterfaceStrings.ConsoleKey) -> String in
                "  " + ReviewScreen.fit(command, 20) + "  " + localized(key)
            }
    }

    /// A line typed during a session.
    func inSession(_ line: String) throws -> ConsoleReply {
        switch phase {
        case .editValue(let draft): return try editValue(line, draft)
        case .editReason(let draft, let value): return try editReason(line, draft, value)
        default: break
        }
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        let parts = trimmed.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard let first = parts.first else { return reply([]) }
        let rest = parts.count > 1 ? String(parts[1]).trimmingCharacters(in: .whitespaces) : ""
        let arguments = rest.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        switch first.lowercased() {
        case "help", "?": return reply(help)
        case "list": return try list(arguments)
        case "more": return try more()
        case "show": return try show(rest)
        case "search", "find": return try search(rest)
        case "approve": return try approve(rest)
        case "reject": return try decide(.reject, rest, usage: "reject REF REASON")
        case "issue": return try decide(.issue, rest, usage: "issue REF NOTE")
        case "note": return try decide(.note, rest, usage: "note REF TEXT")
        case "edit": return try beginEdit(arguments)
        case "stats": return try stats()
        case "outbox": return try outbox()
        case "upload": return try upload()
        case "unlock": return try unlock(arguments)
        case "logout", "exit":
            return endSession(reason: "logout", message: localized(.loggedOut))
        case "quit":
            var reply = endSession(reason: "logout", message: localized(.loggedOut))
            reply.prompt = nil
            return reply
        default:
            return reply([
                localized(.unknownCommand, ["command": TerminalText.escape(ReviewScreen.cut(String(first), 20))])
            ])
        }
    }

    /// A reply with the current prompt.
    func reply(_ lines: [String]) -> ConsoleReply {
        ConsoleReply(lines: lines, prompt: currentPrompt)
    }

    var staff: StaffAccount {
        // Commands only run inside a session.
        session!.account
    }

    func audit(_ action: AuditAction, reference: String? = nil, detail: String? = nil) throws {
        try database.audit.append(
            AuditRecord(staffID: staff.id, action: action, reference: reference, detail: detail), at: clock.now,
            hasher: .sha256)
    }

    // MARK: - References

    /// The reference typed first in `text`, and the rest; an error message when it is not one.
    func reference(in text: String, usage: String) -> Result<(String, String), ConsoleMessage> {
        let parts = text.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard let typed = parts.first.map(String.init) else {
            return .failure(ConsoleMessage(self.localized(.usage, ["usage": usage])))
        }
        let rest = parts.count > 1 ? String(parts[1]).trimmingCharacters(in: .whitespaces) : ""
        if let number = Int(typed), (1...999_999).contains(number), typed.count <= 6 {
            let year = time.calendar.component(.year, from: clock.now)
            return .success((ReferenceNumber(center: settings.center, year: year, serial: number).description, rest))
        }
        guard let parsed = ReferenceNumber(parsing: typed) else {
            return .failure(
                ConsoleMessage(
                    self.localized(.notAReference, ["typed": TerminalText.escape(ReviewScreen.cut(typed, 30))])))
        }
        return .success((parsed.description, rest))
    }

    // MARK: - Supervisor

    func unlock(_ arguments: [String]) throws -> ConsoleReply {
        guard staff.role == .supervisor else { return reply([localized(.supervisorUnlock)]) }
        guard arguments.count == 1 else { return reply([localized(.usage, ["usage": "unlock ID"])]) }
        let id = arguments[0].lowercased()
        guard StaffAccount.isValidID(id) else { return reply([localized(.notStaffID)]) }
        let administration = StaffAdministration(
            database: database, actor: staff.id, policy: settings.policy, now: { [date = clock.now] in date })
        try administration.unlock(id: id)
        return reply([localized(.unlocked, ["id": id])])
    }

    func upload() throws -> ConsoleReply {
        guard staff.role == .supervisor else { return reply([localized(.supervisorUpload)]) }
        try audit(.upload)
        guard uploader != nil else {
            return reply([localized(.uploadUnavailable)])
        }
        pendingUpload = true
        return ConsoleReply(
            lines: [localized(.uploading)], prompt: nil, continues: true)
    }

    /// Does the slow work the last reply announced (`ConsoleReply.continues`).
    package func proceed() -> ConsoleReply {
        guard pendingUpload, let uploader else { return reply([]) }
        pendingUpload = false
        return reply(uploader.run(strings: forms.strings).lines)
    }
}

/// A message for the person at the console (already escaped).
struct ConsoleMessage: Error {
    let text: String

    init(_ text: String) {
        self.text = text
    }
}
