import Foundation
import GRDB
import KioskCore
import KioskReview
import Testing

@testable import KioskStore

@Suite("Console decisions: approve, reject, issue, note")
struct DecisionTests {
    let fixture: ReviewFixture

    init() throws {
        fixture = try ReviewFixture()
    }

    @Test func approvingRecordsTheDecisionOnTheApplicationAndInTheLog() throws {
        // Given a submitted application and a reviewer at the console
        let reference = try fixture.submit()
        let console = try fixture.loggedIn(ReviewFixture.reviewer)

        // When the reviewer approves it (by its full reference)
        let reply = console.handle("approve \(reference.lowercased())")

        // Then it is approved, the history says by whom, and the log has the decision
        #expect(reply.text == "\(reference) approved; it goes to headquarters in the next batch.")
        #expect(try fixture.state(reference) == .approved)
        let application = try #require(try fixture.database.applications.find(reference: reference))
        let history = try fixture.database.review.history(applicationID: application.id!)
        #expect(history.map(\.action) == [.approve])
        #expect(
            history.first?.staffID == "petro" && history.first?.fromState == .submitted
                && history.first?.toState == .approved)
        let entry = try #require(try fixture.audit().last)
        #expect(entry.action == "approve" && entry.staffID == "petro" && entry.reference == reference)

        // And approving again changes nothing
        #expect(console.handle("approve \(reference)").text == "\(reference) is already approved.")
    }

    @Test func aBareNumberMeansThisYearsReferenceAndATypoIsCaughtByTheCheckCharacter() throws {
        let reference = try fixture.submit()
        let console = try fixture.loggedIn()
        #expect(console.handle("show 1").text.hasPrefix("\(reference)  state: submitted"))

        var typo = reference
        typo.removeLast()
        typo += reference.hasSuffix("A") ? "B" : "A"
        #expect(console.handle("approve \(typo)").text.contains("is not a reference"))
        #expect(try fixture.state(reference) == .submitted)
    }

    @Test func rejectingNeedsAReasonAndKeepsIt() throws {
        let reference = try fixture.submit()
        let console = try fixture.loggedIn(ReviewFixture.reviewer)

        #expect(console.handle("reject \(reference)").text == "Usage: reject REF REASON")
        #expect(try fixture.state(reference) == .submitted)

        #expect(console.handle("reject \(reference) The applicant withdrew").text == "\(reference) rejected.")
        #expect(try fixture.state(reference) == .rejected)
        let show = console.handle("show \(reference)").text
        #expect(show.contains("petro  rejected: The applicant withdrew (submitted -> rejected)"))
        // The reason may name a person: the log keeps only the decision
        #expect(try fixture.audit().last(where: { $0.action == "reject" })?.detail == nil)
    }

    @Test func anIssueSendsTheApplicantBackToTheDeskAndApprovalFollows() throws {
        let reference = try fixture.submit()
        let console = try fixture.loggedIn()

        #expect(console.handle("issue \(reference) Passport photo page missing").text.contains("has issues"))
        #expect(try fixture.state(reference) == .hasIssues)
        #expect(console.handle("list has-issues").text.contains(reference))

        #expect(
            console.handle("note \(reference) Brought the passport on Monday").text == "Note added to \(reference).")
        #expect(try fixture.state(reference) == .hasIssues)
        #expect(console.handle("approve \(reference)").text.contains("approved"))
        let history = console.handle("show \(reference)").text
        #expect(history.contains("issue: Passport photo page missing (submitted -> has-issues)"))
        #expect(history.contains("note: Brought the passport on Monday"))
        #expect(history.contains("approved (has-issues -> approved)"))
    }

    @Test func batchedAndDeliveredApplicationsCannotBeChanged() throws {
        // Given an approved application sealed into a batch
        let reference = try fixture.submit()
        let console = try fixture.loggedIn()
        _ = console.handle("approve \(reference)")
        try fixture.execute("UPDATE application SET state = 'batched', batch_sequence = NULL")

        // Then decisions and edits are refused with a clear message, and a note is still allowed
        for command in ["approve", "reject \(reference) late", "issue \(reference) late"] {
            let line = command == "approve" ? "approve \(reference)" : command
            #expect(console.handle(line).text.contains("is batched for headquarters and can no longer be changed"))
        }
        #expect(console.handle("edit \(reference) phone").text.contains("can no longer be changed"))
        #expect(console.handle("note \(reference) Called HQ about it").text == "Note added to \(reference).")
        #expect(try fixture.state(reference) == .batched)
    }

    @Test func approvalIsRefusedWhileAnAnswerFailsTheFormsValidators() throws {
        // Given an application whose RNOKPP was changed behind the kiosk's back (sqlite3) to one that disagrees with the birth date
        let reference = try fixture.submit(["rnokpp": .single("3299712375")])
        let console = try fixture.loggedIn()

        // When it is approved
        let reply = console.handle("approve \(reference)")

        // Then the console names the field and gives the kiosk validator's message
        #expect(reply.text.contains("cannot be approved until this is fixed"))
        #expect(reply.text.contains("6. RNOKPP [rnokpp]: The RNOKPP does not match the date of birth you gave."))
        #expect(try fixture.state(reference) == .submitted)
    }

    @Test func aDecisionOnAnApplicationChangedMeanwhileIsNotApplied() throws {
        // Given an application as a reviewer read it
        let reference = try fixture.submit()
        let application = try #require(try fixture.database.applications.find(reference: reference))

        // When someone else rejects it before the change lands
        let console = try fixture.loggedIn()
        _ = console.handle("reject \(reference) duplicate")
        let outcome = try fixture.database.review.apply(
            ReviewChange(
                reference: reference, expectedState: application.state, expectedAnswersJSON: application.answersJSON,
                newState: .approved, events: [],
                audit: AuditRecord(staffID: "petro", action: .approve, reference: reference)),
            at: Date(), hasher: .sha256)

        // Then nothing is written
        #expect(outcome == .changedMeanwhile(.rejected))
        #expect(try fixture.state(reference) == .rejected)
    }

    @Test func onlyASupervisorUploadsOrUnlocks() throws {
        let reviewer = try fixture.loggedIn(ReviewFixture.reviewer)
        #expect(reviewer.handle("upload").text == "! Only a supervisor can start an upload.")
        #expect(reviewer.handle("unlock olena").text == "! Only a supervisor can unlock accounts.")
    }

    @Test func unknownCommandsAndHelp() throws {
        let console = try fixture.loggedIn()
        #expect(console.handle("frobnicate 1").text.contains("Unknown command \"frobnicate\""))
        let help = console.handle("help")
        for command in [
            "list", "show", "search", "approve", "reject", "issue", "note", "edit", "stats", "outbox", "upload",
            "logout",
        ] {
            #expect(help.text.contains("  \(command)"), "\(command)")
        }
        #expect(help.lines.allSatisfy { $0.count <= 80 })
    }
}
