/// What the form flow wants shown next; the terminal layer renders it.
///
/// All text is already in the applicant's language. Nothing here is escaped: the renderer
/// escapes whatever it prints.
public enum FormStep: Sendable, Equatable {
    /// Ask one question.
    case ask(Question)
    /// Show all answers, numbered, for a last check.
    case review(ReviewSheet)
    /// Ask whether to really cancel.
    case confirmCancel(notice: Notice?)
    /// The draft was dropped at the applicant's request.
    case cancelled
    /// The applicant confirmed: store this and show the reference number.
    case submit(ApplicationDraft)
}

/// A message shown above a prompt.
public enum Notice: Sendable, Equatable {
    /// Something the applicant must correct.
    case error(String)
    /// Help or a neutral remark.
    case info(String)
}

/// One question as shown at the prompt.
public struct Question: Sendable, Equatable {
    public let fieldID: String
    /// Position among the questions currently asked (skip logic changes the total).
    public let number: Int
    public let total: Int
    public let label: String
    /// Lines under the label: how to answer, "optional".
    public let hints: [String]
    /// Numbered options for choice, multi-choice and yes/no fields.
    public let options: [String]
    /// The answer given before, when the question is asked again.
    public let current: String?
    /// A text to read in full before answering (the consent text), shown above the label.
    public let statement: Statement?
    public let notice: Notice?

    /// A titled text the question is about.
    public struct Statement: Sendable, Equatable {
        /// E.g. "The consent text (version 2026-11-uk-1):".
        public let title: String
        public let text: String
    }
}

/// The review of all answers before confirming.
public struct ReviewSheet: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public let number: Int
        public let fieldID: String
        public let label: String
        /// The answer as displayed (choice labels, not stored values), or "(not given)".
        public let value: String
    }

    public let title: String
    public let entries: [Entry]
    public let instructions: String
    public let notice: Notice?
}
