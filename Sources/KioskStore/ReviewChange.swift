import KioskCore

/// A change to one application, prepared from the state and answers the caller read.
package struct ReviewChange: Sendable {
    package let reference: String
    package let expectedState: ApplicationState
    package let expectedAnswersJSON: String?
    package let newState: ApplicationState
    /// The new answers (canonical JSON); nil keeps them.
    package let newAnswersJSON: String?
    /// History entries; their application id and time are filled in when written.
    package let events: [ReviewEvent]
    package let audit: AuditRecord

    package init(
        reference: String, expectedState: ApplicationState, expectedAnswersJSON: String?, newState: ApplicationState,
        newAnswersJSON: String? = nil, events: [ReviewEvent], audit: AuditRecord
    ) {
        self.reference = reference
        self.expectedState = expectedState
        self.expectedAnswersJSON = expectedAnswersJSON
        self.newState = newState
        self.newAnswersJSON = newAnswersJSON
        self.events = events
        self.audit = audit
    }
}
