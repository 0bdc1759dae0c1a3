import Foundation
import KioskReview
import Testing

/// One malformed stored row (a value of the wrong kind put there with `sqlite3`) is reported
/// by its reference and column, not as a busy database, and shows none of its data (issue 18).
@Suite("Console on a malformed stored row")
struct MalformedRowTests {
    let fixture: ReviewFixture

    init() throws {
        fixture = try ReviewFixture()
    }

    @Test func showNamesTheReferenceAndTheColumnInsteadOfABusyDatabase() throws {
        // Given an application whose submission time was overwritten with text that is no date
        let reference = try fixture.submit()
        try fixture.execute(
            "UPDATE application SET submitted_at = 'Shevchenko 3652504575' WHERE reference = '\(reference)'")
        let console = try fixture.loggedIn()

        // When staff show it
        let reply = console.handle("show \(reference)")

        // Then the console names the row and the column, not a busy database, and no stored value
        #expect(reply.text.contains("application \(reference) cannot be read: its column submitted_at"))
        #expect(!reply.text.contains("busy"))
        #expect(!reply.text.contains("3652504575"))
        // And the console goes on
        #expect(!console.handle("help").text.isEmpty)
    }
}
