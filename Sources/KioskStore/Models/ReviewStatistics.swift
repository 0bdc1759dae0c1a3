import Foundation
import KioskCore

/// The numbers behind the console's `stats`.
package struct ReviewStatistics: Sendable, Hashable {
    /// Every application by its current state (every state present).
    package let totals: [ApplicationState: Int]
    /// The applications submitted since the start of the window's last day, by current state.
    package let recentByState: [ApplicationState: Int]
    /// When each application of the window was submitted, for the per-day chart.
    package let submissions: [Date]
    /// Review decisions made since the start of the window's last day.
    package let recentDecisions: [ReviewAction: Int]
}

/// What the console's `outbox` shows: batches waiting for headquarters and what was delivered.
package struct ReviewOutboxSummary: Sendable, Hashable {
    package let waiting: [BatchRecordRow]
    package let deliveredBatches: Int
    package let lastDeliveredAt: Date?
    /// Approved applications not sealed into a batch yet.
    package let approvedNotBatched: Int
    /// The newest error the uploader recorded, if its tables exist and hold one.
    package let lastError: String?
}
