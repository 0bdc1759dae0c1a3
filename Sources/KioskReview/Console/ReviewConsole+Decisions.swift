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
        guard application.state != .approved else { return reply(["\(application.reference) is already approved."]) }
        guard let form = forms.forms[application.formID] else {
            return reply([
                "! The form \(TerminalText.escape(application.formID)) is not in the Kiosk folder, so the answers cannot be checked; it cannot be approved here."
            ])
        }
        let problems = forms.problems(try application.answers(), in: form, today: today)
        guard problems.isEmpty else {
            return reply(
                ["! \(application.reference) cannot be approved until this is fixed (edit REF FIELD):"]
                    + problems.map { "  \(fieldTitle($0.field, in: form)): \(TerminalText.escape($0.message))" })
        }
        return try apply(
            application, action: .approve, newState: .approved, note: nil,
            done: "\(application.reference) approved; it goes to headquarters in the next batch.")
    }

    /// `reject`, `issue` and `note`: each needs a text after the reference.
    func decide(_ action: ReviewAction, _ text: String, usage: String) throws -> ConsoleReply {
        let (application, note): (StoredApplication, String)
        switch try changeable(text, usage: usage, allowsFinalStates: action == .note) {
        case .failure(let message): return reply(["! " + message.text])
        case .success(let found): (application, note) = found
        }
        guard !note.isEmpty else { return reply(["Usage: \(usage)"]) }
        guard note.count <= 500 else { return reply(["! Keep it under 500 characters."]) }
        switch action {
        case .reject:
            guard application.state != .rejected else {
                return reply(["\(application.reference) is already rejected."])
            }
            return try apply(
                application, action: .reject, newState: .rejected, note: note,
                done: "\(application.reference) rejected.")
        case .issue:
            return try apply(
                application, action: .issue, newState: .hasIssues, note: note,
                done: "\(application.reference) has issues: the applicant must fix them at the desk.")
        default:
            return try apply(
                application, action: .note, newState: application.state, note: note,
                done: "Note added to \(application.reference).")
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
        case .notFound: "! The application is gone."
        case .changedMeanwhile(let state):
            "! Someone changed it meanwhile (it is now \(state.rawValue)); nothing was changed. Show it and try again."
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
            return .failure(ConsoleMessage("No application \(reference)."))
        }
        if !allowsFinalStates {
            if application.purgedAt != nil {
                return .failure(ConsoleMessage("\(reference): its personal data was purged; it cannot be changed."))
            }
            if application.state == .batched || application.state == .delivered {
                let batch = application.batchSequence.map { " in batch \($0)" } ?? ""
                return .failure(
                    ConsoleMessage(
                        "\(reference) is \(application.state.rawValue)\(batch) for headquarters and can no longer be changed. Add a note instead."
                    ))
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
            return reply(["Usage: edit REF FIELD (the field's number or id, as show lists them)"])
        }
        let application: StoredApplication
        switch try changeable(arguments[0], usage: "edit REF FIELD", allowsFinalStates: false) {
        case .failure(let message): return reply(["! " + message.text])
        case .success(let found): application = found.0
        }
        guard let form = forms.forms[application.formID] else {
            return reply([
                "! The form \(TerminalText.escape(application.formID)) is not in the Kiosk folder; its answers cannot be checked, so they cannot be edited here."
            ])
        }
        let typed = arguments[1].lowercased()
        let field =
            Int(typed).flatMap { form.fields.indices.contains($0 - 1) ? form.fields[$0 - 1] : nil } ?? form.field(typed)
        guard let field else {
            return reply([
                "! The form has no field \"\(TerminalText.escape(ReviewScreen.cut(arguments[1], 30)))\"; show REF lists them."
            ])
        }
        if field.validators.contains(where: { if case .mustBe = $0 { true } else { false } }) {
            return reply([
                "! \(fieldTitle(field, in: form)) is the applicant's own declaration; staff cannot change it."
            ])
        }
        let answers = try application.answers()
        guard field.isAsked(given: answers) else {
            return reply([
                "! The form does not ask \(fieldTitle(field, in: form)) given the other answers; change the answer it depends on first."
            ])
        }
        phase = .editValue(
            EditDraft(
                reference: application.reference, formID: form.id, fieldID: field.id, expectedState: application.state,
                expectedAnswersJSON: application.answersJSON, answers: answers))
        let current = answers[field.id].map {
            TerminalText.escape(forms.display($0, for: field, in: form, answers: answers, today: today))
        }
        var lines = [
            "Editing \(fieldTitle(field, in: form)) of \(application.reference); now: \(current ?? "(not given)")"
        ]
        for (offset, option) in forms.options(for: field, in: form, answers: answers, today: today).enumerated() {
            lines.append("  \(offset + 1)) \(TerminalText.escape(option))")
        }
        if field.type == .date { lines.append(TerminalText.escape(forms.strings.format(.promptDateFormat))) }
        if field.type == .multiChoice { lines.append("Type the numbers separated by commas.") }
        if !field.required { lines.append("Leave it empty to remove the answer.") }
        lines.append("Type the new value, or cancel.")
        return reply(lines)
    }

    func editValue(_ line: String, _ draft: EditDraft) throws -> ConsoleReply {
        if line.trimmingCharacters(in: .whitespaces).lowercased() == "cancel" { return cancelEdit() }
        guard let form = forms.forms[draft.formID], let field = form.field(draft.fieldID) else { return cancelEdit() }
        switch forms.parser(form, today: today).parse(line, for: field, answers: draft.answers) {
        case .failure(let failure):
            return reply([
                "! " + TerminalText.escape(forms.strings.message(for: failure)), "Type the new value, or cancel.",
            ])
        case .success(let value):
            guard value != draft.answers[field.id] else {
                phase = .command
                return reply(["That is the current answer; nothing was changed."])
            }
            phase = .editReason(draft, newValue: value)
            let shown = value.map {
                TerminalText.escape(forms.display($0, for: field, in: form, answers: draft.answers, today: today))
            }
            return reply(["New value: \(shown ?? "(none)")", "Why is it changed? (required; or cancel)"])
        }
    }

    func editReason(_ line: String, _ draft: EditDraft, _ value: AnswerValue?) throws -> ConsoleReply {
        let reason = line.trimmingCharacters(in: .whitespaces)
        if reason.lowercased() == "cancel" { return cancelEdit() }
        guard !reason.isEmpty else { return reply(["! A reason is required (or cancel)."]) }
        guard reason.count <= 500 else { return reply(["! Keep it under 500 characters."]) }
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
        var lines = ["Changed \(fieldTitle(field, in: form)) of \(draft.reference)."]
        if newState != draft.expectedState {
            lines.append("It was approved; it is back to \(newState.rawValue) and needs approving again.")
        }
        for (hidden, _) in dropped {
            lines.append("Removed the answer to \(fieldTitle(hidden, in: form)): the form no longer asks it.")
        }
        let problems = forms.problems(kept, in: form, today: today)
        if !problems.isEmpty {
            lines.append("Still to fix before it can be approved:")
            lines += problems.map { "  \(fieldTitle($0.field, in: form)): \(TerminalText.escape($0.message))" }
        }
        return reply(lines)
    }

    private func cancelEdit() -> ConsoleReply {
        phase = .command
        return reply(["Edit cancelled; nothing was changed."])
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
