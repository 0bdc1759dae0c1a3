import Foundation
import KioskCore

/// One entry of an application's review history: a decision, a note or an edit, by whom and when.
///
/// An edit keeps the old and the new answer (as the JSON of an `AnswerValue`, nil when
/// there was none), so the history shows what the applicant typed and what staff changed.
package struct ReviewEvent: Sendable, Hashable, Codable {
    package var id: Int64?
    package var applicationID: Int64
    package var at: Date
    package var staffID: String
    package var action: ReviewAction
    /// The field an edit changed.
    package var field: String?
    /// The reason for a rejection, an issue or an edit, or the text of a note.
    package var note: String?
    package var oldValue: String?
    package var newValue: String?
    package var fromState: ApplicationState?
    package var toState: ApplicationState?

    package init(
        applicationID: Int64, at: Date, staffID: String, action: ReviewAction, field: String? = nil,
        note: String? = nil, oldValue: String? = nil, newValue: String? = nil, fromState: ApplicationState? = nil,
        toState: ApplicationState? = nil
    ) {
        self.applicationID = applicationID
        self.at = at
        self.staffID = staffID
        self.action = action
        self.field = field
        self.note = note
        self.oldValue = oldValue
        self.newValue = newValue
        self.fromState = fromState
        self.toState = toState
    }

    enum CodingKeys: String, CodingKey {
        case id, at, action, field, note
        case applicationID = "application_id"
        case staffID = "staff_id"
        case oldValue = "old_value"
        case newValue = "new_value"
        case fromState = "from_state"
        case toState = "to_state"
    }
}

/// What a review event did.
package enum ReviewAction: String, Sendable, Codable, CaseIterable {
    case approve
    case reject
    /// The applicant must fix something at the desk.
    case issue
    case note
    case edit
}
