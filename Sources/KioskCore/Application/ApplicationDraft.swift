/// A completed, confirmed application that has not been stored yet.
///
/// It lives in memory only; it becomes an application with a reference number when the
/// database commit returns.
public struct ApplicationDraft: Sendable, Hashable {
    public let formID: String
    public let formVersion: Int
    public let language: Language
    public let consentVersion: String
    /// Answers by field id; fields that were skipped or hidden are absent.
    public let answers: [String: AnswerValue]

    public init(
        formID: String, formVersion: Int, language: Language, consentVersion: String,
        answers: [String: AnswerValue]
    ) {
        self.formID = formID
        self.formVersion = formVersion
        self.language = language
        self.consentVersion = consentVersion
        self.answers = answers
    }
}
