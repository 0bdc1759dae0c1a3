import Foundation
import KioskReview
import Testing

@testable import KioskStore

@Suite("Staff accounts")
struct StaffAdministrationTests {
    let fixture: ReviewFixture

    init() throws {
        fixture = try ReviewFixture()
    }

    @Test func anAccountStoresOnlyAnScryptHashThatRecordsItsParameters() throws {
        // Given an account added with a password
        try fixture.administration().add(
            id: "mykola.k", name: "Mykola Kravets", role: .reviewer, password: "ten chars!!")

        // Then the password itself is nowhere, and the hash says how it was made
        let account = try #require(try fixture.database.staff.account(id: "mykola.k"))
        #expect(account.passwordHash.hasPrefix("scrypt$ln=4$r=8$p=1$"))
        #expect(account.passwordHash.split(separator: "$").count == 6)
        #expect(!account.passwordHash.contains("ten chars"))
        #expect(account.role == .reviewer && account.mayLogIn && account.failedLogins == 0)
        let entry = try #require(try fixture.audit().last)
        #expect(
            entry.action == "staff-add" && entry.staffID == "os:test" && entry.detail == "account mykola.k, reviewer")
    }

    @Test func theProductionCostIsNTwoToTheSeventeenth() {
        #expect(LoginPolicy().hashCost == 17)
        #expect(LoginPolicy().accountDelay(afterFailures: 1000) == .seconds(900))
        #expect(LoginPolicy().idleTimeout == .seconds(300) && LoginPolicy().sessionLifetime == .seconds(28_800))
    }

    @Test(
        "weak passwords and bad IDs are refused",
        arguments: [
            ("anna", "short", "too short"),
            ("anna", "anna-is-my-password", "must not contain the staff ID"),
            ("anna", "aaaaaaaaaaaa", "too few different characters"),
            ("Anna", "a good password", "not a valid staff ID"),
            ("1anna", "a good password", "not a valid staff ID"),
            ("an na", "a good password", "not a valid staff ID"),
        ])
    func refused(id: String, password: String, reason: String) {
        #expect {
            try fixture.administration().add(id: id, name: "Anna", role: .reviewer, password: password)
        } throws: { error in
            String(describing: error).contains(reason)
        }
    }

    @Test func aTakenIDIsRefused() throws {
        #expect {
            try fixture.administration().add(
                id: "olena", name: "Someone Else", role: .supervisor, password: "another password")
        } throws: { String(describing: $0).contains("already an account olena") }
    }

    @Test func aNameWithControlCharactersIsRefused() {
        #expect {
            try fixture.administration().add(
                id: "anna", name: "Anna\u{1B}[2J", role: .reviewer, password: "a good password")
        } throws: { String(describing: $0).contains("printable") }
    }

    @Test func aNewPasswordWorksAndEndsTheWait() throws {
        // Given an account waiting after 5 failed logins
        for _ in 0..<5 {
            _ = try fixture.database.staff.recordFailedLogin(id: "petro", at: fixture.clock.now, hasher: .sha256)
        }
        #expect(try fixture.database.staff.account(id: "petro")?.failedLogins == 5)

        // When an operator sets a new password
        try fixture.administration().setPassword(id: "petro", password: "brand new secret")

        // Then the new password logs in and the old one does not
        let console = fixture.console()
        _ = console.handle("petro")
        #expect(console.handle(ReviewFixture.reviewer.1).text.hasPrefix("Login failed."))
        _ = console.handle("petro")
        #expect(console.handle("brand new secret").text.contains("Logged in"))
    }

    @Test func disablingAndEnabling() throws {
        try fixture.administration().disable(id: "petro")
        #expect(try fixture.database.staff.account(id: "petro")?.mayLogIn == false)
        try fixture.administration().enable(id: "petro")
        #expect(try fixture.database.staff.account(id: "petro")?.mayLogIn == true)
        #expect { try fixture.administration().disable(id: "nobody") } throws: {
            String(describing: $0).contains("no account nobody")
        }
        #expect(try fixture.administration().list().map(\.id) == ["olena", "petro"])
    }

    @Test func aSupervisorUnlocksFromTheConsole() throws {
        for _ in 0..<5 {
            _ = try fixture.database.staff.recordFailedLogin(id: "petro", at: fixture.clock.now, hasher: .sha256)
        }
        let console = try fixture.loggedIn()
        #expect(console.handle("unlock petro").text == "Account petro is unlocked; it can log in again.")
        let account = try #require(try fixture.database.staff.account(id: "petro"))
        #expect(account.lockedAt == nil && account.failedLogins == 0)
        #expect(try fixture.audit().last?.staffID == "olena" && fixture.audit().last?.action == "staff-unlock")
    }
}
