import Foundation

/// The form flow as a pure state machine: a line in, a step out.
///
/// It asks one question at a time, applies skip logic, understands `back`, `help`,
/// `review` and `cancel` at every prompt (in the applicant's language and in English), and
/// ends with a numbered review that must be confirmed explicitly. The draft lives only in
/// this value: dropping the value drops the draft.
public struct FormSession: Sendable {
    indirect enum Phase: Sendable, Equatable {
        case asking(index: Int, fromReview: Bool)
        case reviewing
        case confirmingCancel(returnTo: Phase)
        case finished
        case cancelled
    }

    public let form: FormDefinition
    public let language: Language
    let parser: AnswerParser
    var strings: InterfaceStrings { parser.strings }
    public private(set) var answers: [String: AnswerValue] = [:]
    private(set) var phase: Phase = .asking(index: 0, fromReview: false)
    /// Where `back` from a review opened mid-form resumes the questions.
    private var resumeIndex: Int?

    public init(
        form: FormDefinition, catalog: UnitCatalog, numbers: MobileNumberPlan, strings: InterfaceStrings,
        today: CalendarDate
    ) {
        self.form = form
        self.language = strings.language
        self.parser = AnswerParser(form: form, catalog: catalog, numbers: numbers, strings: strings, today: today)
    }

    /// True once the applicant confirmed or cancelled; the caller then drops the session.
    public var isOver: Bool { phase == .finished || phase == .cancelled }

    /// The first question.
    public mutating func start() -> FormStep {
        guard let first = visibleIndices.first else { return finishOrAsk() }
        return ask(first, fromReview: false)
    }

    /// Handles one line the applicant typed (already checked for bytes and controls).
    public mutating func handle(_ line: String) -> FormStep {
        let input = line.trimmingCharacters(in: .whitespaces)
        switch phase {
        case .asking(let index, let fromReview):
            return answer(input, at: index, fromReview: fromReview)
        case .reviewing:
            return reviewCommand(input)
        case .confirmingCancel(let returnTo):
            return cancelConfirmation(input, returnTo: returnTo)
        case .finished, .cancelled:
            return .cancelled
        }
    }

    /// Returns to the review after the database refused the draft, so nothing typed is lost
    /// and the applicant can confirm again or ask at the desk.
    public mutating func storeFailed(message: String) -> FormStep {
        review(notice: .error(message))
    }

    // MARK: - Phases

    private mutating func answer(_ input: String, at index: Int, fromReview: Bool) -> FormStep {
        let field = form.fields[index]
        switch command(input) {
        case .cancel:
            phase = .confirmingCancel(returnTo: phase)
            return .confirmCancel(notice: nil)
        case .help:
            let help = field.help?.resolve(language) ?? strings.format(.promptNoHelp)
            return ask(index, fromReview: fromReview, notice: .info(help + "\n" + strings.format(.promptCommands)))
        case .review, .confirm:
            resumeIndex = fromReview ? resumeIndex : index
            return review()
        case .back:
            if fromReview { return review() }
            guard let previous = visibleIndices.last(where: { $0 < index }) else {
                return ask(index, fromReview: false, notice: .info(strings.format(.backAtStart)))
            }
            return ask(previous, fromReview: false)
        case nil:
            break
        }
        if input.isEmpty, answers[field.id] != nil {
            return advance(from: index, fromReview: fromReview)
        }
        switch parser.parse(input, for: field, answers: answers) {
        case .failure(let failure):
            return ask(index, fromReview: fromReview, notice: .error(strings.message(for: failure)))
        case .success(let value):
            answers[field.id] = value
            pruneHiddenAnswers()
            return advance(from: index, fromReview: fromReview)
        }
    }

    private mutating func reviewCommand(_ input: String) -> FormStep {
        switch command(input) {
        case .cancel:
            phase = .confirmingCancel(returnTo: .reviewing)
            return .confirmCancel(notice: nil)
        case .confirm:
            return finishOrAsk()
        case .back:
            if let resume = resumeIndex, visibleIndices.contains(resume) {
                resumeIndex = nil
                return ask(resume, fromReview: false)
            }
            return ask(visibleIndices.last ?? 0, fromReview: true)
        case .help, .review:
            return review(notice: .info(reviewInstructions))
        case nil:
            let visible = visibleIndices
            if let number = Int(input), visible.indices.contains(number - 1) {
                return ask(visible[number - 1], fromReview: true)
            }
            return review(notice: .error(strings.format(.reviewUnknownNumber)))
        }
    }

    private mutating func cancelConfirmation(_ input: String, returnTo: Phase) -> FormStep {
        let key = input.lowercased()
        if (strings.words(.wordsYes) + ["yes", "y"]).contains(key) {
            answers = [:]
            phase = .cancelled
            return .cancelled
        }
        if (strings.words(.wordsNo) + ["no", "n"]).contains(key) {
            let kept = Notice.info(strings.format(.cancelKept))
            switch returnTo {
            case .asking(let index, let fromReview): return ask(index, fromReview: fromReview, notice: kept)
            default: return review(notice: kept)
            }
        }
        return .confirmCancel(notice: .error(strings.message(for: ValidationFailure(.yesNoInvalid))))
    }

    // MARK: - Moving on

    private mutating func advance(from index: Int, fromReview: Bool) -> FormStep {
        if !fromReview, let next = visibleIndices.first(where: { $0 > index }) {
            return ask(next, fromReview: false)
        }
        if let (incomplete, notice) = firstIncomplete() {
            return ask(incomplete, fromReview: true, notice: notice)
        }
        return review()
    }

    /// Confirms when every shown question has a valid answer, else asks the first that lacks one.
    private mutating func finishOrAsk() -> FormStep {
        if let (incomplete, notice) = firstIncomplete() {
            return ask(incomplete, fromReview: true, notice: notice)
        }
        phase = .finished
        return .submit(
            ApplicationDraft(
                formID: form.id, formVersion: form.version, language: language,
                consentVersion: form.consent.version, answers: answers))
    }

    /// The first shown question that is required and unanswered, or whose answer an edit elsewhere made invalid.
    private func firstIncomplete() -> (Int, Notice?)? {
        for index in visibleIndices {
            let field = form.fields[index]
            guard let value = answers[field.id] else {
                if field.required { return (index, nil) }
                continue
            }
            if let failure = parser.recheck(value, for: field, answers: answers) {
                return (index, .error(strings.message(for: failure)))
            }
        }
        return nil
    }

    // MARK: - Skip logic

    /// Indices of the fields asked, given the answers so far.
    var visibleIndices: [Int] {
        form.fields.indices.filter { form.fields[$0].isAsked(given: answers) }
    }

    /// Drops answers to questions that an edit hid (conditions only look back, so one pass does).
    private mutating func pruneHiddenAnswers() {
        for field in form.fields where answers[field.id] != nil && !field.isAsked(given: answers) {
            answers[field.id] = nil
        }
    }

    // MARK: - Steps

    private mutating func ask(_ index: Int, fromReview: Bool, notice: Notice? = nil) -> FormStep {
        phase = .asking(index: index, fromReview: fromReview)
        let field = form.fields[index]
        let visible = visibleIndices
        var hints: [String] = []
        var options: [Choice] = []
        switch field.type {
        case .choice:
            options = parser.options(for: field, answers: answers)
            hints.append(strings.format(.promptChooseOne))
        case .multiChoice:
            options = parser.options(for: field, answers: answers)
            hints.append(strings.format(.promptChooseMany))
        case .yesNo:
            options = parser.yesNoOptions()
            hints.append(strings.format(.promptYesNo))
        case .date:
            hints.append(strings.format(.promptDateFormat))
        case .text, .identifier:
            break
        }
        if !field.required { hints.append(strings.format(.promptOptional)) }
        if let help = field.help { hints.insert(help.resolve(language), at: 0) }
        // The consent text itself, in full, each time its question is asked (help and errors too).
        let statement =
            field.id == form.consent.field
            ? Question.Statement(
                title: strings.format(.promptConsentText, ["version": form.consent.version]),
                text: form.consent.text.resolve(language)) : nil
        return .ask(
            Question(
                fieldID: field.id, number: (visible.firstIndex(of: index) ?? 0) + 1, total: visible.count,
                label: field.label.resolve(language), hints: hints,
                options: options.map { $0.label.resolve(language) },
                current: answers[field.id].map { display($0, for: field) }, statement: statement, notice: notice))
    }

    private mutating func review(notice: Notice? = nil) -> FormStep {
        phase = .reviewing
        let entries = visibleIndices.enumerated().map { offset, index in
            let field = form.fields[index]
            return ReviewSheet.Entry(
                number: offset + 1, fieldID: field.id, label: field.label.resolve(language),
                value: answers[field.id].map { display($0, for: field) } ?? strings.format(.reviewNotGiven))
        }
        return .review(
            ReviewSheet(
                title: strings.format(.reviewTitle), entries: entries, instructions: reviewInstructions,
                notice: notice))
    }

    private var reviewInstructions: String {
        strings.format(.reviewInstructions, ["confirm": strings.words(.wordsConfirm).first ?? "confirm"])
    }

    /// An answer as the applicant reads it: choice labels in their language, not stored values.
    func display(_ value: AnswerValue, for field: FieldDefinition) -> String {
        parser.display(value, for: field, answers: answers)
    }

    // MARK: - Commands

    enum Command { case back, help, review, cancel, confirm }

    private func command(_ input: String) -> Command? {
        let key = input.lowercased()
        let table: [(Command, InterfaceStrings.Key, String)] = [
            (.back, .wordsBack, "back"), (.help, .wordsHelp, "help"), (.review, .wordsReview, "review"),
            (.cancel, .wordsCancel, "cancel"), (.confirm, .wordsConfirm, "confirm"),
        ]
        return table.first { _, key2, english in key == english || strings.words(key2).contains(key) }?.0
    }
}
