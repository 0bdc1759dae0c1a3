import Foundation

/// One run of `kiosk upload`, as logged for `kiosk status`.
public struct UploadRun: Sendable, Hashable {
    /// How a run ended; the raw values are stored.
    public enum Outcome: String, Sendable, Hashable {
        /// Every batch is delivered (at least one in this run).
        case delivered
        /// Nothing was waiting.
        case nothingToDo = "nothing-to-do"
        /// Headquarters unreachable or failing (5xx); work remains, the timer retries.
        case unreachable
        /// Headquarters refused, or the receipt could not be trusted: an operator must act.
        case operatorAction = "operator-action"
    }

    public var startedAt: Date
    public var finishedAt: Date
    public var outcome: Outcome
    public var deliveredBatches: Int
    /// The last failure's one-line reason, if any.
    public var error: String?

    public init(startedAt: Date, finishedAt: Date, outcome: Outcome, deliveredBatches: Int, error: String?) {
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.outcome = outcome
        self.deliveredBatches = deliveredBatches
        self.error = error
    }
}

/// The upload as `kiosk status` reports it.
public struct UploadSummary: Sendable, Hashable {
    /// Sealed batches not yet delivered.
    public var outboxBatches: Int
    /// Applications in those batches.
    public var outboxApplications: Int
    /// Approved applications not yet sealed into a batch.
    public var approvedWaiting: Int
    public var lastSuccessAt: Date?
    public var lastErrorAt: Date?
    public var lastError: String?
}
