import Foundation
import GRDB
import KioskCore
import KioskSQLite

extension ReviewStore {
    /// Submits each draft as the attend loop does and approves it as a reviewer does, with its
    /// history event and chained audit entry, all in one transaction: how `kiosk-bench seed`
    /// gives benchmarks and the reliability suite approved applications through the product's
    /// own writes, quickly enough for 100,000. Returns the approved applications in order.
    package func submitAndApprove(
        _ drafts: [ApplicationDraft], formSHA256: String, center: String, year: Int, staffID: String, at date: Date,
        hasher: AuditHasher
    ) throws -> [StoredApplication] {
        let encoded = try drafts.map { try ApplicationStore.encodeAnswers($0.answers) }
        return try writer.writeRetryingWhenBusy { db in
            try zip(drafts, encoded).map { draft, answers in
                let submitted = try ApplicationStore.submit(
                    draft, answers: answers, formSHA256: formSHA256, center: center, year: year, at: date,
                    catalogVersion: 0, in: db)
                let change = ReviewChange(
                    reference: submitted.reference, expectedState: submitted.state,
                    expectedAnswersJSON: submitted.answersJSON, newState: .approved,
                    events: [
                        ReviewEvent(
                            applicationID: submitted.id ?? 0, at: date, staffID: staffID, action: .approve,
                            fromState: submitted.state, toState: .approved)
                    ],
                    audit: AuditRecord(staffID: staffID, action: .approve, reference: submitted.reference))
                guard case .applied(let approved) = try Self.apply(change, at: date, hasher: hasher, in: db) else {
                    // Cannot happen inside the transaction that just stored it.
                    throw StoreError(.malformedRow, "\(submitted.reference) vanished before its approval")
                }
                return approved
            }
        }
    }
}
