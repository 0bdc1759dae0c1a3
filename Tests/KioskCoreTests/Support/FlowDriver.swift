import Testing

@testable import KioskCore

/// Feeds typed lines to a `FormSession` the way the terminal does, and keeps the last step shown.
struct FlowDriver {
    private(set) var session: FormSession
    private(set) var last: FormStep

    /// Starts the session: `last` is the first question.
    init(_ session: FormSession) {
        var session = session
        last = session.start()
        self.session = session
    }

    /// A driver on a real form in one language (see `KioskFiles.session`).
    init(form formID: String = "ua-contract", language: Language = .en) throws {
        self.init(try KioskFiles.session(formID, language))
    }

    /// Types the lines one after the other and returns the step shown after the last one.
    @discardableResult
    mutating func type(_ lines: String...) -> FormStep {
        type(lines)
    }

    @discardableResult
    mutating func type(_ lines: [String]) -> FormStep {
        for line in lines {
            last = session.handle(line)
        }
        return last
    }

    /// Checks that `fieldID` is the question shown, then types `input` as its answer.
    @discardableResult
    mutating func answer(
        _ fieldID: String, _ input: String, sourceLocation: SourceLocation = #_sourceLocation
    )
        -> FormStep
    {
        #expect(
            last.question?.fieldID == fieldID, "expected the question \"\(fieldID)\" before typing \"\(input)\"",
            sourceLocation: sourceLocation)
        return type(input)
    }

    /// Answers questions in order, checking each is the one expected.
    @discardableResult
    mutating func answer(
        _ steps: [(String, String)], sourceLocation: SourceLocation = #_sourceLocation
    )
        -> FormStep
    {
        for (fieldID, input) in steps {
            answer(fieldID, input, sourceLocation: sourceLocation)
        }
        return last
    }

    var answers: [String: AnswerValue] { session.answers }
}

extension FormStep {
    /// The question asked, if this step asks one.
    var question: Question? {
        if case .ask(let question) = self { question } else { nil }
    }

    /// The review sheet, if this step shows one.
    var reviewSheet: ReviewSheet? {
        if case .review(let sheet) = self { sheet } else { nil }
    }

    /// The confirmed draft, if this step submits one.
    var draft: ApplicationDraft? {
        if case .submit(let draft) = self { draft } else { nil }
    }

    /// True for the "really cancel?" prompt.
    var isConfirmCancel: Bool {
        if case .confirmCancel = self { true } else { false }
    }

    /// The notice shown with a question, a review or the cancel prompt.
    var notice: Notice? {
        switch self {
        case .ask(let question): question.notice
        case .review(let sheet): sheet.notice
        case .confirmCancel(let notice): notice
        case .cancelled, .submit: nil
        }
    }
}

extension ReviewSheet {
    /// The entry for a field, if the sheet lists it.
    func entry(_ fieldID: String) -> Entry? {
        entries.first { $0.fieldID == fieldID }
    }
}

/// Identifiers used across the flow tests, each checked with python3 against the rules in DOMAIN.md.
enum Applicant {
    /// Born 2000-01-01, male (DOMAIN.md: sum 214, 214 mod 11 = 5).
    static let rnokppMale2000 = "3652504575"
    /// Born 2000-01-01, female: 36525 days, serial 250, sex digit 6; sum 204, mod 11 = 6.
    static let rnokppFemale2000 = "3652525066"
    /// Born 2006-03-15, male: 38790 days, serial 123, sex digit 5; sum 243, mod 11 = 1.
    static let rnokppMale2006 = "3879012351"
    /// Born 1996-03-15, male: 35138 days, serial 123, sex digit 5; sum 164, mod 11 = 10 -> 0.
    static let rnokppMale1996 = "3513812350"
    /// 3652504575 with its check digit changed: the checksum fails.
    static let rnokppBadChecksum = "3652504576"
    /// Lithuanian code, born 2000-05-17, male: G=5, 000517, serial 123, first pass 114 mod 11 = 4.
    static let ltCodeMale2000 = "50005171234"
    /// DOMAIN.md's example: born 1933-09-24, male (too old for the 18-38 volunteer form).
    static let ltCodeMale1933 = "33309240064"
}
