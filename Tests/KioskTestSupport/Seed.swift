import Foundation
import KioskCore
import KioskReview
import KioskStore

/// Approved applications made the way the product makes them: submitted through the store,
/// then approved through the review store with its history and audit entry, so seeded data
/// passes `kiosk audit verify` and carries what a real approval carries.
package enum Seed {
    /// Submits and approves `count` applications; returns their references in order.
    ///
    /// - Parameter surname: the surname of the n-th application (from 1), unique by default so
    ///   a duplicated or lost record is visible in what arrives.
    @discardableResult
    package static func approvedApplications(
        _ count: Int, in database: AppDatabase, center: String = "DEMO01", year: Int = 2026,
        staffID: String = "reviewer", at date: Date = Date(timeIntervalSince1970: 1_795_000_000),
        answers: (Int) -> [String: AnswerValue] = { ["surname": .single("Surname \($0)")] }
    ) throws -> [String] {
        try (0..<count).map { index in
            let number = index + 1
            let draft = ApplicationDraft(
                formID: "ua-contract", formVersion: 1, language: .en, consentVersion: "2026-11-uk-1",
                answers: answers(number))
            let stored = try database.applications.submit(
                draft, formSHA256: String(repeating: "0", count: 64), center: center, year: year, at: date)
            try approve(stored, in: database, staffID: staffID, at: date)
            return stored.reference
        }
    }

    /// Approves a submitted application as a reviewer would, with its history and audit entry.
    package static func approve(
        _ application: StoredApplication, in database: AppDatabase, staffID: String = "reviewer",
        at date: Date = Date()
    ) throws {
        let change = ReviewChange(
            reference: application.reference, expectedState: application.state,
            expectedAnswersJSON: application.answersJSON, newState: .approved,
            events: [
                ReviewEvent(
                    applicationID: application.id ?? 0, at: date, staffID: staffID, action: .approve,
                    fromState: application.state, toState: .approved)
            ],
            audit: AuditRecord(staffID: staffID, action: .approve, reference: application.reference))
        guard case .applied = try database.review.apply(change, at: date, hasher: .sha256) else {
            throw SeedError("\(application.reference) could not be approved: it changed or is gone")
        }
    }

    /// Approves every application still `submitted` (those typed at a real kiosk in a test).
    package static func approveAllSubmitted(in database: AppDatabase, staffID: String = "reviewer") throws {
        for item in try database.review.list(states: [.submitted], limit: 1_000_000, offset: 0).items {
            guard let application = try database.applications.find(reference: item.reference) else { continue }
            try approve(application, in: database, staffID: staffID)
        }
    }
}

/// Seeding went wrong: the test cannot start from the state it needs.
package struct SeedError: Error, CustomStringConvertible {
    package let description: String
    init(_ description: String) { self.description = description }
}
