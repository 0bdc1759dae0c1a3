import Foundation
import GRDB
import KioskTestSupport
import Testing

@testable import KioskStore

@Suite("DeliveryStore: the upload log on a real SQLite file")
struct DeliveryStoreTests {
    let folder: TemporaryFolder

    init() throws {
        folder = try TemporaryFolder()
    }

    @Test func theReviewOutboxShowsTheNewestRunsErrorAndForgetsItAfterASuccess() throws {
        // Given a failed upload run
        let database = try AppDatabase.open(at: folder.path("kiosk.sqlite"))
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        try database.delivery.recordUploadRun(
            UploadRun(
                startedAt: start, finishedAt: start + 1, outcome: .unreachable, deliveredBatches: 0,
                error: "headquarters unreachable"))

        // Then the console and status both show it
        #expect(try database.review.outbox().lastError == "headquarters unreachable")
        #expect(try database.delivery.summary().lastError == "headquarters unreachable")

        // When a later run succeeds
        try database.delivery.recordUploadRun(
            UploadRun(
                startedAt: start + 60, finishedAt: start + 61, outcome: .nothingToDo, deliveredBatches: 0, error: nil))

        // Then the console no longer reports the old error; status keeps the last one with its time
        #expect(try database.review.outbox().lastError == nil)
        let summary = try database.delivery.summary()
        #expect(summary.lastError == "headquarters unreachable" && summary.lastSuccessAt == start + 61)
    }
}
