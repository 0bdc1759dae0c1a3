import Foundation
import KioskCore
import KioskStore
import KioskTerminal

/// What `show` prints: the state, every answer with its number and field id (for `edit`),
/// and the history. Every stored text is escaped, so an answer holding an escape sequence
/// shows as inert `\u{1B}` text.
struct ApplicationSheet {
    let console: ReviewConsole
    let application: StoredApplication
    let history: [ReviewEvent]
    /// Other applications held with the same national number: the same person applying again.
    let twins: [ReviewTwin]

    var forms: ReviewForms { console.forms }
    var time: ReviewTime { console.time }
    var today: CalendarDate { CalendarDate(date: console.clock.now, timeZone: console.settings.timeZone) }

    var lines: [String] {
        var lines = [
            "\(TerminalText.escape(application.reference))  state: \(application.state.rawValue)"
                + (application.batchSequence.map { " (batch \($0))" } ?? ""),
            "Submitted \(time.minute(application.submittedAt)) in \(languageName), form "
                + "\(TerminalText.escape(application.formID)) version \(application.formVersion); last change "
                + time.minute(application.updatedAt),
        ]
        if !twins.isEmpty {
            let shown = twins.prefix(10).map { "\(TerminalText.escape($0.reference)) (\($0.state.rawValue))" }
            lines.append(
                "! The same RNOKPP or personal code is in \(twins.count) other application\(twins.count == 1 ? "" : "s") "
                    + "held here: \(shown.joined(separator: ", "))\(twins.count > 10 ? ", …" : "").")
        }
        let answers = (try? application.answers()) ?? [:]
        if let purged = application.purgedAt {
            lines.append("The personal data was purged on \(time.minute(purged)) after delivery.")
        } else if application.answersJSON != nil && answers.isEmpty {
            lines.append("! The stored answers cannot be read.")
        }
        if let form = forms.forms[application.formID] {
            if form.version != application.formVersion {
                lines.append(
                    "Note: the form is now version \(form.version); labels and edits follow the current version.")
            }
            lines += answerLines(answers, form: form)
        } else if !answers.isEmpty {
            lines.append(
                "Note: the form \(TerminalText.escape(application.formID)) is not in the Kiosk folder; raw answers:")
            for (id, value) in answers.sorted(by: { $0.key < $1.key }) {
                lines.append(
                    "  [\(TerminalText.escape(id))] \(TerminalText.escape(value.values.joined(separator: ", ")))")
            }
        }
        lines.append("History:")
        if history.isEmpty { lines.append("  (nothing yet)") }
        lines += history.map(historyLine)
        return lines
    }

    private var languageName: String {
        Language(rawValue: application.language).map { "\($0.nativeName) (\($0.rawValue))" }
            ?? TerminalText.escape(application.language)
    }

    private func answerLines(_ answers: [String: AnswerValue], form: FormDefinition) -> [String] {
        guard !answers.isEmpty else { return [] }
        var lines = ["Answers:"]
        let width = String(form.fields.count).count
        for (index, field) in form.fields.enumerated() {
            let value = answers[field.id]
            guard value != nil || field.isAsked(given: answers) else { continue }
            let number = ReviewScreen.right("\(index + 1)", width + 2)
            let shown =
                value.map {
                    TerminalText.escape(forms.display($0, for: field, in: form, answers: answers, today: today))
                } ?? "(not given)"
            lines.append("\(number). \(TerminalText.escape(forms.label(field))) [\(field.id)]: \(shown)")
        }
        let known = Set(form.fields.map(\.id))
        for (id, value) in answers.sorted(by: { $0.key < $1.key }) where !known.contains(id) {
            lines.append(
                "   [\(TerminalText.escape(id))]: \(TerminalText.escape(value.values.joined(separator: ", ")))")
        }
        return lines
    }

    private func historyLine(_ event: ReviewEvent) -> String {
        var text = "  \(time.minute(event.at))  \(TerminalText.escape(event.staffID))  "
        let note = event.note.map(TerminalText.escape)
        switch event.action {
        case .approve: text += "approved"
        case .reject: text += "rejected: \(note ?? "")"
        case .issue: text += "issue: \(note ?? "")"
        case .note: text += "note: \(note ?? "")"
        case .edit:
            text +=
                "changed \(fieldName(event.field)): \(value(event.oldValue, event.field)) -> \(value(event.newValue, event.field))"
            if let note { text += "; reason: \(note)" }
        }
        if let from = event.fromState, let to = event.toState, from != to {
            text += " (\(from.rawValue) -> \(to.rawValue))"
        }
        return text
    }

    private func fieldName(_ id: String?) -> String {
        guard let id else { return "?" }
        guard let field = forms.forms[application.formID]?.field(id) else { return "[\(TerminalText.escape(id))]" }
        return "\(TerminalText.escape(forms.label(field))) [\(id)]"
    }

    /// An old or new value from the history, as shown in the answers.
    private func value(_ json: String?, _ fieldID: String?) -> String {
        guard let json else { return "(none)" }
        guard let decoded = try? JSONDecoder().decode(AnswerValue.self, from: Data(json.utf8)) else {
            return TerminalText.escape(json)
        }
        if let form = forms.forms[application.formID], let fieldID, let field = form.field(fieldID) {
            let answers = (try? application.answers()) ?? [:]
            return TerminalText.escape(forms.display(decoded, for: field, in: form, answers: answers, today: today))
        }
        return TerminalText.escape(decoded.values.joined(separator: ", "))
    }
}
