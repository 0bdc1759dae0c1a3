import Foundation
import KioskStore
import KioskTerminal

/// The upload part of `kiosk status`: the outbox and the last runs. Its JSON keys are a
/// monitoring interface, keep them stable.
package struct UploadStatusReport: Encodable, Sendable {
    /// Sealed batches waiting for headquarters' receipt.
    package let outboxBatches: Int
    package let outboxApplications: Int
    /// Approved applications not yet sealed into a batch.
    package let approvedWaiting: Int
    package let lastSuccessAt: String?
    package let lastErrorAt: String?
    package let lastError: String?

    package init(_ summary: UploadSummary) {
        outboxBatches = summary.outboxBatches
        outboxApplications = summary.outboxApplications
        approvedWaiting = summary.approvedWaiting
        lastSuccessAt = summary.lastSuccessAt.map(Self.format)
        lastErrorAt = summary.lastErrorAt.map(Self.format)
        // Headquarters' refusal text: stored escaped by current uploaders, escaped here again
        // for rows an older one stored raw.
        lastError = summary.lastError.map(TerminalText.escape)
    }

    enum CodingKeys: String, CodingKey {
        case outboxBatches = "outbox_batches"
        case outboxApplications = "outbox_applications"
        case approvedWaiting = "approved_waiting"
        case lastSuccessAt = "last_success_at"
        case lastErrorAt = "last_error_at"
        case lastError = "last_error"
    }

    /// Encodes absent times and errors as null, so monitoring sees every key.
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(outboxBatches, forKey: .outboxBatches)
        try container.encode(outboxApplications, forKey: .outboxApplications)
        try container.encode(approvedWaiting, forKey: .approvedWaiting)
        try container.encode(lastSuccessAt, forKey: .lastSuccessAt)
        try container.encode(lastErrorAt, forKey: .lastErrorAt)
        try container.encode(lastError, forKey: .lastError)
    }

    package var lines: [String] {
        [
            "outbox:      \(outboxBatches) batch\(outboxBatches == 1 ? "" : "es") waiting (\(outboxApplications) applications), "
                + "\(approvedWaiting) approved not yet batched",
            "last upload: \(lastSuccessAt ?? "never")",
            "last error:  " + (lastErrorAt.map { "\($0): \(lastError ?? "")" } ?? "none"),
        ]
    }

    static func format(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}
