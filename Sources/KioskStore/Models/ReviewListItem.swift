import Foundation
import KioskCore

/// One line of the console's application list: enough to recognise the person, no more.
package struct ReviewListItem: Sendable, Hashable {
    package let reference: String
    package let state: ApplicationState
    package let submittedAt: Date
    package let surname: String?
    package let givenName: String?
    /// Set once the personal data was purged after delivery.
    package let purgedAt: Date?
}

/// A page of the list and how many there are in all.
package struct ReviewListPage: Sendable, Hashable {
    package let items: [ReviewListItem]
    package let total: Int
}

/// A list item with the national number (RNOKPP or Lithuanian personal code) staff search by.
package struct ReviewSearchRow: Sendable, Hashable {
    package let item: ReviewListItem
    package let nationalNumber: String?
}

/// Another application held with the same national number as the one shown.
package struct ReviewTwin: Sendable, Hashable {
    package let reference: String
    package let state: ApplicationState
}
