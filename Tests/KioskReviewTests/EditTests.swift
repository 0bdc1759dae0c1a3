import Foundation
import KioskCore
import KioskReview
import Testing

@testable import KioskStore

@Suite("Console edits: the kiosk's validators, a reason, the history")
struct EditTests {
    let fixture: ReviewFixture

    init() throws {
        fixture = try ReviewFixture()
    }

    @Test func aBadValueIsRefusedWithTheValidatorsMessageAndAGoodOneIsKeptWithItsHistory() throws {
        // Given an approved application
        let reference = try fixture.submit()
        let console = try fixture.loggedIn(ReviewFixture.reviewer)
        _ = console.handle("approve \(reference)")

        // When the reviewer edits the phone number (by field id), first with a bad value
        let start = console.handle("edit \(reference) phone")
        #expect(start.text.contains("Editing 9. Mobile phone [phone] of \(reference); now: +380671234567"))
        #expect(start.prompt == "new value> ")
        let refused = console.handle("12345")

        // Then the kiosk's own message refuses it, and the console asks again
        #expect(refused.text.hasPrefix("! Type a mobile phone number"))
        #expect(refused.prompt == "new value> ")

        // When a good value and a reason follow
        let asked = console.handle("067 765 43 21")
        #expect(asked.text.contains("New value: +380677654321") && asked.prompt == "reason> ")
        #expect(console.handle("").text == "! A reason is required (or cancel).")
        let done = console.handle("Applicant gave a new number at the desk")

        // Then the answer is stored normalised, the application is back to review, and the old value is in the history
        #expect(done.text.contains("Changed 9. Mobile phone [phone] of \(reference)."))
        #expect(done.text.contains("back to submitted"))
        let application = try #require(try fixture.database.applications.find(reference: reference))
        #expect(try application.answers()["phone"] == .single("+380677654321"))
        #expect(application.state == .submitted)
        let edit = try #require(try fixture.database.review.history(applicationID: application.id!).last)
        #expect(edit.action == .edit && edit.field == "phone" && edit.staffID == "petro")
        #expect(edit.oldValue == "\"+380671234567\"" && edit.newValue == "\"+380677654321\"")
        #expect(edit.note == "Applicant gave a new number at the desk")
        #expect(edit.fromState == .approved && edit.toState == .submitted)
        #expect(
            console.handle("show \(reference)").text.contains(
                "changed Mobile phone [phone]: +380671234567 -> +380677654321; reason: Applicant gave a new number at the desk (approved -> submitted)"
            ))
        // And the log names the field, never the values
        let entry = try #require(try fixture.audit().last(where: { $0.action == "edit" }))
        #expect(entry.detail == "phone" && entry.reference == reference)
    }

    @Test func anRNOKPPEditIsCheckedAgainstTheBirthDateLikeAtTheKiosk() throws {
        let reference = try fixture.submit()
        let console = try fixture.loggedIn()
        _ = console.handle("edit \(reference) 6")
        let refused = console.handle("3299712375")
        #expect(refused.text.hasPrefix("! The RNOKPP does not match the date of birth you gave."))
        #expect(console.handle("3652504576").text.hasPrefix("! This RNOKPP is not valid: a digit is wrong."))
        #expect(console.handle("cancel").text == "Edit cancelled; nothing was changed.")
        #expect(
            try fixture.database.applications.find(reference: reference)?.answers()["rnokpp"] == .single("3652504575"))
    }

    @Test func aChoiceIsEditedByItsNumberAndAnswersTheFormNoLongerAsksAreDropped() throws {
        // Given someone who declared prior service with a rank
        let reference = try fixture.submit(["prior_service": .single("yes"), "prior_rank": .single("Sergeant")])
        let console = try fixture.loggedIn()

        // When prior service is changed to "no" (option 2)
        let start = console.handle("edit \(reference) prior_service")
        #expect(start.text.contains("  1) Yes") && start.text.contains("  2) No"))
        _ = console.handle("2")
        let done = console.handle("Confused the question")

        // Then the rank, no longer asked, is removed and the removal is in the history
        #expect(done.text.contains("Removed the answer to 14. Rank"))
        let application = try #require(try fixture.database.applications.find(reference: reference))
        #expect(try application.answers()["prior_rank"] == nil)
        let history = try fixture.database.review.history(applicationID: application.id!)
        #expect(history.map(\.field) == ["prior_service", "prior_rank"])
        #expect(history.last?.oldValue == "\"Sergeant\"" && history.last?.newValue == nil)
    }

    @Test func aNewlyAskedRequiredAnswerBlocksApprovalUntilGiven() throws {
        // Given someone with no prior service
        let reference = try fixture.submit()
        let console = try fixture.loggedIn()

        // When prior service becomes "yes", the rank (required) is missing
        _ = console.handle("edit \(reference) prior_service")
        _ = console.handle("yes")
        let done = console.handle("Served 2015-2017")
        #expect(done.text.contains("Still to fix before it can be approved:"))
        #expect(done.text.contains("14. Rank"))
        #expect(console.handle("approve \(reference)").text.contains("cannot be approved"))

        // And once the rank is given, approval goes through
        _ = console.handle("edit \(reference) prior_rank")
        _ = console.handle("Junior sergeant")
        _ = console.handle("Asked at the desk")
        #expect(console.handle("approve \(reference)").text.contains("approved;"))
    }

    @Test func unknownOrUnaskedFieldsAreRefused() throws {
        let reference = try fixture.submit()
        let console = try fixture.loggedIn()
        #expect(console.handle("edit \(reference) shoe_size").text.contains("The form has no field \"shoe_size\""))
        #expect(console.handle("edit \(reference) prior_rank").text.contains("does not ask 14. Rank"))
        #expect(console.handle("edit \(reference)").text.hasPrefix("Usage: edit REF FIELD"))
    }

    @Test func sameValueChangesNothing() throws {
        let reference = try fixture.submit()
        let console = try fixture.loggedIn()
        _ = console.handle("edit \(reference) surname")
        #expect(console.handle("Shevchenko").text == "That is the current answer; nothing was changed.")
        #expect(console.handle("help").prompt == "review> ")
    }

    @Test func anEditRacingAnotherChangeIsNotApplied() throws {
        // Given an edit in progress
        let reference = try fixture.submit()
        let console = try fixture.loggedIn()
        _ = console.handle("edit \(reference) surname")
        _ = console.handle("Shevchenko-Kovalenko")

        // When another reviewer rejects the application meanwhile
        let other = try fixture.loggedIn(ReviewFixture.reviewer)
        _ = other.handle("reject \(reference) duplicate")

        // Then the edit is refused and nothing is overwritten
        #expect(console.handle("typo").text.contains("Someone changed it meanwhile (it is now rejected)"))
        #expect(
            try fixture.database.applications.find(reference: reference)?.answers()["surname"] == .single("Shevchenko"))
    }
}

extension EditTests {
    @Test func theApplicantsConsentCannotBeEditedByStaff() throws {
        let reference = try fixture.submit()
        let console = try fixture.loggedIn()
        #expect(console.handle("edit \(reference) consent").text.contains("is the applicant's own declaration"))
        #expect(console.handle("help").prompt == "review> ")
    }
}

extension EditTests {
    @Test func purgingAnApplicationsAnswersAlsoClearsThemFromItsHistory() throws {
        // Given an edited and rejected application
        let reference = try fixture.submit()
        let console = try fixture.loggedIn()
        _ = console.handle("edit \(reference) phone")
        _ = console.handle("0677654321")
        _ = console.handle("New number")
        _ = console.handle("reject \(reference) Shevchenko withdrew")

        // When its personal data is purged (after delivery)
        try fixture.execute("UPDATE application SET answers = NULL, purged_at = '2027-01-01 00:00:00.000'")

        // Then the history keeps who did what and when, but no value, reason or note
        let application = try #require(try fixture.database.applications.find(reference: reference))
        let history = try fixture.database.review.history(applicationID: application.id!)
        #expect(history.map(\.action) == [.edit, .reject])
        #expect(history.allSatisfy { $0.oldValue == nil && $0.newValue == nil && $0.note == nil })
        #expect(history.first?.field == "phone" && history.first?.staffID == "olena")
        #expect(console.handle("show \(reference)").text.contains("Sealed for headquarters on"))
    }
}
