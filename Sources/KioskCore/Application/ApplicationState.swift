/// Where an application is on its way from the kiosk to headquarters.
public enum ApplicationState: String, Sendable, Codable, CaseIterable {
    /// Stored by the kiosk, waiting for staff review.
    case submitted
    /// Staff found something the applicant must fix at the desk.
    case hasIssues = "has-issues"
    case approved
    case rejected
    /// Sealed into a signed batch, waiting for headquarters' receipt.
    case batched
    /// Headquarters signed a receipt for it.
    case delivered
}
