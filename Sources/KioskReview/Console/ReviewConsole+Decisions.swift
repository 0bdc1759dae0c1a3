import Foundation
import KioskCore
import KioskStore
import KioskTerminal

/// An edit in progress: the field, and the application as it was when the edit began, so
/// that a change made meanwhile by someone else is noticed instead of overwritten.
struct EditDraft {
    let reference: String
    let formID: String
    let fieldID: String
    let expectedState: ApplicationState
    let expectedAnswersJSON: String?
    let answers: [String: AnswerValue]
}

// MARK: - Decisions, notes and edits

extension ReviewConsole {
    var today: CalendarDate { CalendarDate(date: clock.now, timeZone: settings.timeZone) }

    func approve(_ text: String) throws -> ConsoleReply {
        let (application, _): (StoredApplication, String)
        switch try changeable(text, usage: "approve REF", allowsFinalStates: false) {
        case .failure(let message): return reply(["! " + message.text])
        case .success(let found): (application, _) = found
        }
        guard application.state != .approved else {
            return reply([localized(.alreadyApproved, ["reference": application.reference])])
        }
        guard let form = forms.forms[application.formID] else {
            return reply([localized(.approveFormMissing, ["form": TerminalText.escape(application.formID)])])
        }
        let problems = forms.problems(try application.answers(), in: form, today: today)
        guard problems.isEmpty else {
            return reply(
                [localized(.approveProblems, ["reference": application.reference])]
                    + problems.map { "  \(fieldTitle($0.field, in: form)): \(TerminalText.escape($0.message))" })
        }
        return try apply(
            application, action: .approve, newState: .approved, note: nil,
            done: localized(.approved, ["reference": application.reference]))
    }

    /// `reject`, `issue` and `note`: each needs a text after the reference.
    func decide(_ action: ReviewAction, _ text: String, usage: String) throws -> ConsoleReply {
        let (application, note): (StoredApplication, String)
        switch try changeable(text, usage: usage, allowsFinalStates: action == .note) {
        case .failure(let message): return reply(["! " + message.text])
        case .success(let found): (application, note) = found
        }
        guard !note.isEmpty else { return reply([localized(.usage, ["usage": usage])]) }
        guard note.count <= 500 else { return reply([localized(.tooLongNote)]) }
        switch action {
        case .reject:
            guard application.state != .rejected else {
                return reply([localized(.alreadyRejected, ["reference": application.reference])])
            }
            return try apply(
                application, action: .reject, newState: .rejected, note: note,
                done: localized(.rejected, ["reference": application.reference]))
        case .issue:
            return try apply(
                application, action: .issue, newState: .hasIssues, note: note,
                done: localized(.issueDone, ["reference": application.reference]))
        default:
            return try apply(
                application, action: .note, newState: application.state, note: note,
                done: localized(.noteDone, ["reference": application.reference]))
        }
    }

    private func apply(
        _ application: StoredApplication, action: ReviewAction, newState: ApplicationState, note: String?, done: String
    ) throws -> ConsoleReply {
        let change = ReviewChange(
            reference: application.reference, expectedState: application.state,
            expectedAnswersJSON: application.answersJSON, newState: newState,
            events: [
                ReviewEvent(
                    applicationID: application.id ?? 0, at: clock.now, staffID: staff.id, action: action, note: note,
                    fromState: application.state, toState: newState)
            ],
            audit: AuditRecord(staffID: staff.id, action: AuditAction(action), reference: application.reference))
        return reply([try outcome(database.review.apply(change, at: clock.now, hasher: .sha256), done: done)])
    }

    private func outcome(_ outcome: ReviewStore.ReviewOutcome, done: String) -> String {
        switch outcome {
        case .applied: done
        case .notFound: localized(.gone)
        case .changedMeanwhile(let state): localized(.changedMeanwhile, ["state": state.rawValue])
        }
    }

    /// The application a change is about, if it exists and can still change; the text after the reference.
    private func changeable(
        _ text: String, usage: String, allowsFinalStates: Bool
    ) throws
        -> Result<(StoredApplication, String), ConsoleMessage>
    {
        let (reference, rest): (String, String)
        switch self.reference(in: text, usage: usage) {
        case .failure(let message): return .failure(message)
        case .success(let found): (reference, rest) = found
        }
        guard let application = try database.applications.find(reference: reference) else {
            return .failure(ConsoleMessage(localized(.noApplication, ["reference": reference])))
        }
        if !allowsFinalStates {
            if application.purgedAt != nil {
                return .failure(ConsoleMessage(localized(.purgedNoChange, ["reference": reference])))
            }
            if application.state == .batched || application.state == .delivered {
                let batch = application.batchSequence.map { localized(.inBatch, ["sequence": "\($0)"]) } ?? ""
                return .failure(
                    ConsoleMessage(
                        localized(
                            .sealedNoChange,
                            ["reference": reference, "state": application.state.rawValue, "batch": batch])))
            }
        }
        return .success((application, rest))
    }

    func fieldTitle(_ field: FieldDefinition, in form: FormDefinition) -> String {
        let number = (form.fields.firstIndex { $0.id == field.id } ?? 0) + 1
        return "\(number). \(TerminalText.escape(forms.label(field))) [\(field.id)]"
    }

    // MARK: - Edit

    func beginEdit(_ arguments: [String]) throws -> ConsoleReply {
        guard arguments.count == 2 else {
            return reply([localized(.editUsage)])
        }
        let application: StoredApplication
        switch try changeable(arguments[0], usage: "edit REF FIELD", allowsFinalStates: false) {
        case .failure(let message): return reply(["! " + message.text])
        case .success(let found): application = found.0
        }
        guard let form = forms.forms[application.formID] else {
            return reply([localized(.editFormMissing, ["form": TerminalText.escape(application.formID)])])
        }
        let typed = arguments[1].lowercased()
        let field =
            Int(typed).flatMap { form.fields.indices.contains($0 - 1) ? form.fields[$0 - 1] : nil } ?? form.field(typed)
        guard let field else {
            return reply([localized(.editNoField, ["field": TerminalText.escape(ReviewScreen.cut(arguments[1], 30))])])
        }
        if field.validators.contains(where: { if case .mustBe = $0 { true } else { false } }) {
            return reply([localized(.editDeclaration, ["field": fieldTitle(field, in: form)])])
        }
        let answers = try application.answers()
        guard field.isAsked(given: answers) else {
            return reply([localized(.editNotAsked, ["field": fieldTitle(field, in: form)])])
        }
        phase = .editValue(
            EditDraft(
                reference: application.reference, formID: form.id, fieldID: field.id, expectedState: application.state,
                expectedAnswersJSON: application.answersJSON, answers: answers))
        let current = answers[field.id].map {
            TerminalText.escape(forms.display($0, for: field, in: form, answers: answers, today: today))
        }
        var lines = [
            localized(
                .editing,
                [
                    "field": fieldTitle(field, in: form), "reference": application.reference,
                    "current": current ?? localized(.notGiven),
                ])
        ]
        for (offset, option) in forms.options(for: field, in: form, answers: answers, today: today).enumerated() {
            lines.append("  \(offset + 1)) \(TerminalText.escape(option))")
        }
        if field.type == .date { lines.append(TerminalText.escape(forms.strings.format(.promptDateFormat))) }
        if field.type == .multiChoice { lines.append(localized(.editNumbers)) }
        if !field.required { lines.append(localized(.editEmpty)) }
        lines.append(localized(.editType))
        return reply(lines)
    }

    func editValue(_ line: String, _ draft: EditDraft) throws -> ConsoleReply {
        if line.trimmingCharacters(in: .whitespaces).lowercased() == "cancel" { return cancelEdit() }
        guard let form = forms.forms[draft.formID], let field = form.field(draft.fieldID) else { return cancelEdit() }
        switch forms.parser(form, today: today).parse(line, for: field, answers: draft.answers) {
        case .failure(let failure):
            return reply([
                "! " + TerminalText.escape(forms.strings.message(for: failure)), localized(.editType),
            ])
        case .success(let value):
            guard value != draft.answers[field.id] else {
                phase = .command
                return reply([localized(.editSame)])
            }
            phase = .editReason(draft, newValue: value)
            let shown = value.map {
                TerminalText.escape(forms.display($0, for: field, in: form, answers: draft.answers, today: today))
            }
            return reply([localized(.editNewValue, ["value": shown ?? localized(.none)]), localized(.editWhy)])
        }
    }

    func editReason(_ line: String, _ draft: EditDraft, _ value: AnswerValue?) throws -> ConsoleReply {
        let reason = line.trimmingCharacters(in: .whitespaces)
        if reason.lowercased() == "cancel" { return cancelEdit() }
        guard !reason.isEmpty else { return reply([localized(.editReasonRequired)]) }
        guard reason.count <= 500 else { return reply([localized(.tooLongNote)]) }
        guard let form = forms.forms[draft.formID], let field = form.field(draft.fieldID) else { return cancelEdit() }
        phase = .command
        var answers = draft.answers
        answers[field.id] = value
        let (kept, dropped) = forms.droppingUnasked(answers, in: form)
        let newState: ApplicationState = draft.expectedState == .approved ? .submitted : draft.expectedState
        var events = [
            ReviewEvent(
                applicationID: 0, at: clock.now, staffID: staff.id, action: .edit, field: field.id, note: reason,
                oldValue: try Self.json(draft.answers[field.id]), newValue: try Self.json(value),
                fromState: draft.expectedState, toState: newState)
        ]
        for (hidden, old) in dropped {
            events.append(
                ReviewEvent(
                    applicationID: 0, at: clock.now, staffID: staff.id, action: .edit, field: hidden.id,
                    note: "no longer asked after the change of \(field.id)", oldValue: try Self.json(old),
                    newValue: nil,
                    fromState: newState, toState: newState))
        }
        let change = ReviewChange(
            reference: draft.reference, expectedState: draft.expectedState,
            expectedAnswersJSON: draft.expectedAnswersJSON,
            newState: newState, newAnswersJSON: try ApplicationStore.encodeAnswers(kept), events: events,
            audit: AuditRecord(staffID: staff.id, action: .edit, reference: draft.reference, detail: field.id))
        let outcome = try database.review.apply(change, at: clock.now, hasher: .sha256)
        guard case .applied = outcome else { return reply([self.outcome(outcome, done: "")]) }
        var lines = [localized(.editChanged, ["field": fieldTitle(field, in: form), "reference": draft.reference])]
        if newState != draft.expectedState {
            lines.append(localized(.editUnapproved, ["state": newState.rawValue]))
        }
        for (hidden, _) in dropped {
            lines.append(localized(.editRemoved, ["field": fieldTitle(hidden, in: form)]))
        }
        let problems = forms.problems(kept, in: form, today: today)
        if !problems.isEmpty {
            lines.append(localized(.editStillToFix))
            lines += problems.map { "  \(fieldTitle($0.field, in: form)): \(TerminalText.escape($0.message))" }
        }
        return reply(lines)
    }

    private func cancelEdit() -> ConsoleReply {
        phase = .command
        return reply([localized(.editCancelled)])
    }

    static func json(_ value: AnswerValue?) throws -> String? {
        try value.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
    }
}

extension AuditAction {
    init(_ action: ReviewAction) {
        switch action {
        case .approve: self = .approve
        case .reject: self = .reject
        case .issue: self = .issue
        case .note: self = .note
        case .edit: self = .edit
        }
    }
}
