import Foundation
import KioskCore
import KioskStore
import KioskTerminal

// MARK: - Commands

extension ReviewConsole {
    static let help: [String] = [
        "Commands (REF: a reference such as DEMO01-2026-000042-K, or just its number 42):",
        "  list [submitted|has-issues|approved|rejected|batched|delivered|all] [PAGE]",
        "                        applications, newest first (default: submitted)",
        "  more                  the next page of the last list",
        "  show REF              every answer, the history, notes and the state",
        "  search TEXT           by reference, surname or RNOKPP / personal code",
        "  approve REF           approve: only approved ones go to headquarters",
        "  reject REF REASON     reject, with the reason",
        "  issue REF NOTE        the applicant must fix something at the desk",
        "  note REF TEXT         add a note to the history",
        "  edit REF FIELD        change one answer (FIELD: its number or id from show)",
        "  stats                 today and totals by state, the last 14 days",
        "  outbox                batches waiting, delivered, the last upload error",
        "  upload                send the waiting batches now (supervisor)",
        "  unlock ID             unlock an account locked by failed logins (supervisor)",
        "  logout                end the session and clear the screen",
        "  quit                  log out and leave the console",
    ]

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
        case "help", "?": return reply(Self.help)
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
            return endSession(reason: "logout", message: "Logged out.")
        case "quit":
            var reply = endSession(reason: "logout", message: "Logged out.")
            reply.prompt = nil
            return reply
        default:
            return reply([
                "! Unknown command \"\(TerminalText.escape(ReviewScreen.cut(String(first), 20)))\". Type help for the commands."
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
        guard let typed = parts.first.map(String.init) else { return .failure(ConsoleMessage("Usage: \(usage)")) }
        let rest = parts.count > 1 ? String(parts[1]).trimmingCharacters(in: .whitespaces) : ""
        if let number = Int(typed), (1...999_999).contains(number), typed.count <= 6 {
            let year = time.calendar.component(.year, from: clock.now)
            return .success((ReferenceNumber(center: settings.center, year: year, serial: number).description, rest))
        }
        guard let parsed = ReferenceNumber(parsing: typed) else {
            return .failure(
                ConsoleMessage(
                    "\"\(TerminalText.escape(ReviewScreen.cut(typed, 30)))\" is not a reference: check it (its last character is a check character), or type just the number"
                ))
        }
        return .success((parsed.description, rest))
    }

    // MARK: - Supervisor

    func unlock(_ arguments: [String]) throws -> ConsoleReply {
        guard staff.role == .supervisor else { return reply(["! Only a supervisor can unlock accounts."]) }
        guard arguments.count == 1 else { return reply(["Usage: unlock ID"]) }
        let id = arguments[0].lowercased()
        guard StaffAccount.isValidID(id) else { return reply(["! That is not a staff ID."]) }
        let administration = StaffAdministration(
            database: database, actor: staff.id, policy: settings.policy, now: { [date = clock.now] in date })
        try administration.unlock(id: id)
        return reply(["Account \(id) is unlocked; it can log in again."])
    }

    func upload() throws -> ConsoleReply {
        guard staff.role == .supervisor else { return reply(["! Only a supervisor can start an upload."]) }
        try audit(.upload)
        guard uploader != nil else {
            return reply(["Uploading is not available here; the batches wait in the outbox."])
        }
        pendingUpload = true
        return ConsoleReply(
            lines: ["Uploading to headquarters; this can take a few minutes…"], prompt: nil, continues: true)
    }

    /// Does the slow work the last reply announced (`ConsoleReply.continues`).
    package func proceed() -> ConsoleReply {
        guard pendingUpload, let uploader else { return reply([]) }
        pendingUpload = false
        return reply(uploader.run().lines)
    }
}

/// A message for the person at the console (already escaped).
struct ConsoleMessage: Error {
    let text: String

    init(_ text: String) {
        self.text = text
    }
}
