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

    func localized(_ key: InterfaceStrings.ConsoleKey, _ arguments: [String: String] = [:]) -> String {
        console.localized(key, arguments)
    }

    var lines: [String] {
        var lines = [
            "\(TerminalText.escape(application.reference))  \(localized(.sheetState)): \(application.state.rawValue)"
                + (application.batchSequence.map { " (\(localized(.sheetBatch, ["sequence": "\($0)"])))" } ?? ""),
            localized(
                .sheetSubmitted,
                [
                    "time": time.minute(application.submittedAt), "language": languageName,
                    "form": TerminalText.escape(application.formID), "version": "\(application.formVersion)",
                    "changed": time.minute(application.updatedAt),
                ]),
        ]
        if !twins.isEmpty {
            let shown = twins.prefix(10).map { "\(TerminalText.escape($0.reference)) (\($0.state.rawValue))" }
            lines.append(
                localized(
                    .sheetTwins,
                    [
                        "count": "\(twins.count)", "others": ReviewConsole.count(twins.count, "other application"),
                        "references": shown.joined(separator: ", ") + (twins.count > 10 ? ", …" : ""),
                    ]))
        }
        let answers = (try? application.answers()) ?? [:]
        if let purged = application.purgedAt {
            lines.append(localized(.sheetPurged, ["time": time.minute(purged)]))
        } else if application.answersJSON != nil && answers.isEmpty {
            lines.append(localized(.sheetUnreadable))
        }
        if let form = forms.forms[application.formID] {
            if form.version != application.formVersion {
                lines.append(localized(.sheetFormVersion, ["version": "\(form.version)"]))
            }
            lines += answerLines(answers, form: form)
        } else if !answers.isEmpty {
            lines.append(localized(.sheetFormMissing, ["form": TerminalText.escape(application.formID)]))
            for (id, value) in answers.sorted(by: { $0.key < $1.key }) {
                lines.append(
                    "  [\(TerminalText.escape(id))] \(TerminalText.escape(value.values.joined(separator: ", ")))")
            }
        }
        lines.append(localized(.sheetHistory))
        if history.isEmpty { lines.append(localized(.sheetNothingYet)) }
        lines += history.map(historyLine)
        return lines
    }

    private var languageName: String {
        Language(rawValue: application.language).map { "\($0.nativeName) (\($0.rawValue))" }
            ?? TerminalText.escape(application.language)
    }

    private func answerLines(_ answers: [String: AnswerValue], form: FormDefinition) -> [String] {
        guard !answers.isEmpty else { return [] }
        var lines = [localized(.sheetAnswers)]
        let width = String(form.fields.count).count
        for (index, field) in form.fields.enumerated() {
            let value = answers[field.id]
            guard value != nil || field.isAsked(given: answers) else { continue }
            let number = ReviewScreen.right("\(index + 1)", width + 2)
            let shown =
                value.map {
                    TerminalText.escape(forms.display($0, for: field, in: form, answers: answers, today: today))
                } ?? localized(.notGiven)
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
        var line = "  \(time.minute(event.at))  \(TerminalText.escape(event.staffID))  "
        let note = event.note.map(TerminalText.escape)
        switch event.action {
        case .approve: line += self.localized(.historyApproved)
        case .reject: line += self.localized(.historyRejected, ["note": note ?? ""])
        case .issue: line += self.localized(.historyIssue, ["note": note ?? ""])
        case .note: line += self.localized(.historyNote, ["note": note ?? ""])
        case .edit:
            line += self.localized(
                .historyChanged,
                [
                    "field": fieldName(event.field), "old": value(event.oldValue, event.field),
                    "new": value(event.newValue, event.field),
                ])
            if let note { line += self.localized(.historyReason, ["reason": note]) }
        }
        if let from = event.fromState, let to = event.toState, from != to {
            line += " (\(from.rawValue) -> \(to.rawValue))"
        }
        return line
    }

    private func fieldName(_ id: String?) -> String {
        guard let id else { return "?" }
        guard let field = forms.forms[application.formID]?.field(id) else { return "[\(TerminalText.escape(id))]" }
        return "\(TerminalText.escape(forms.label(field))) [\(id)]"
    }

    /// An old or new value from the history, as shown in the answers.
    private func value(_ json: String?, _ fieldID: String?) -> String {
        guard let json else { return localized(.none) }
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
