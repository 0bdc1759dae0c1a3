extension FieldDefinition {
    /// Whether the form asks this field, given the other answers (its `show_if` condition).
    ///
    /// The one reading of the skip logic: the kiosk's flow and the staff console's edits
    /// both use it, so staff can never set an answer the applicant would not have been asked.
    public func isAsked(given answers: [String: AnswerValue]) -> Bool {
        guard let condition = showIf else { return true }
        guard let values = answers[condition.field]?.values else { return false }
        if let equals = condition.equals, !values.contains(equals) { return false }
        if let notEquals = condition.notEquals, values.contains(notEquals) { return false }
        if let isIn = condition.isIn, !values.contains(where: isIn.contains) { return false }
        return true
    }
}
