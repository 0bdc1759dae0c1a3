import Foundation
import KioskReview
import Testing

@testable import KioskStore

@Suite("Console login, delays, lock and session limits")
struct LoginTests {
    let fixture: ReviewFixture

    init() throws {
        fixture = try ReviewFixture()
    }

    @Test func aStaffMemberLogsInAndTheLoginIsAudited() throws {
        // Given the console's first screen
        let console = fixture.console()
        #expect(console.start().prompt == "Staff ID: ")

        // When the supervisor types the ID, then the password (asked with echo off)
        let passwordPrompt = console.handle("  Olena ")
        #expect(passwordPrompt.prompt == "Password: " && passwordPrompt.hidesInput)
        let reply = console.handle(ReviewFixture.supervisor.1)

        // Then the session starts, and the log holds the login without any secret
        #expect(reply.text.contains("Logged in as Olena Ivanenko (olena, supervisor)"))
        #expect(reply.prompt == "review> " && !reply.hidesInput)
        let login = try #require(try fixture.audit().last)
        #expect(login.action == "login" && login.staffID == "olena")
        #expect(try fixture.database.staff.account(id: "olena")?.lastLoginAt != nil)
    }

    @Test func wrongPasswordsAreDelayedMoreEachTimeThenTheAccountLocks() throws {
        // Given the console
        let console = fixture.console()
        _ = console.start()

        // When a wrong password is typed five times
        var pauses: [Duration] = []
        for attempt in 1...5 {
            _ = console.handle("petro")
            let reply = console.handle("wrong-password-\(attempt)")
            #expect(
                reply.text
                    == "Login failed. Check the staff ID and the password. After 5 failures in a row an account is locked until a supervisor unlocks it."
            )
            #expect(reply.prompt == "Staff ID: ")
            pauses.append(reply.pause)
        }

        // Then each failure waits longer (1, 2, 4, 8 s) and the fifth locks the account
        #expect(pauses == [.seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(8)])
        let account = try #require(try fixture.database.staff.account(id: "petro"))
        #expect(account.failedLogins == 5 && account.lockedAt != nil)

        // And even the right password now fails, with the same message
        _ = console.handle("petro")
        let locked = console.handle(ReviewFixture.reviewer.1)
        #expect(locked.text.hasPrefix("Login failed."))

        // When a supervisor unlocks it, the right password works again
        try fixture.administration(actor: "olena").unlock(id: "petro")
        let fresh = fixture.console()
        _ = fresh.handle("petro")
        #expect(fresh.handle(ReviewFixture.reviewer.1).text.contains("Logged in as Petro Bondar"))

        // And the audit log shows the failures, the lock and the unlock, never a password
        let actions = try fixture.audit().map(\.action)
        #expect(actions.filter { $0 == "login-failed" }.count == 6)
        #expect(actions.contains("account-locked") && actions.contains("staff-unlock"))
        #expect(
            try !fixture.audit().contains {
                ($0.detail ?? "").contains("wrong") || ($0.detail ?? "").contains("password-1")
            })
    }

    @Test func anUnknownIDFailsExactlyLikeAWrongPassword() throws {
        // Given a wrong password for a real account and any password for an ID that does not exist
        let console = fixture.console()
        _ = console.handle("petro")
        let wrongPassword = console.handle("not-the-password")
        let other = fixture.console()
        _ = other.handle("nobody")
        let unknownID = other.handle("not-the-password")

        // Then the replies are identical, delay included
        #expect(wrongPassword == unknownID)

        // And the log does not keep the unknown ID (it could be a password typed in the wrong place)
        let entry = try #require(try fixture.audit().last)
        #expect(entry.action == "login-failed" && entry.staffID == nil && entry.detail == "unknown staff ID")
    }

    @Test func aDisabledAccountCannotLogInAndItsOpenSessionEndsAtTheNextCommand() throws {
        // Given the reviewer logged in
        let console = try fixture.loggedIn(ReviewFixture.reviewer)

        // When an operator disables the account
        try fixture.administration().disable(id: "petro")

        // Then the next command ends the session instead of running
        let reply = console.handle("list")
        #expect(reply.text.contains("This account was disabled; the session ended."))
        #expect(reply.clearsScreen && reply.prompt == "Staff ID: ")
        #expect(!reply.text.contains("Reference"))

        // And the right password no longer logs in
        _ = console.handle("petro")
        #expect(console.handle(ReviewFixture.reviewer.1).text.hasPrefix("Login failed."))
    }

    @Test func theSessionEndsAfterFiveIdleMinutes() throws {
        // Given a session
        let console = try fixture.loggedIn()
        let started = fixture.clock.now
        #expect(console.deadline == started + 300)

        // When four minutes pass, a command still runs and pushes the deadline on
        fixture.clock.advance(seconds: 240)
        #expect(console.handle("help").text.contains("Commands"))
        #expect(console.deadline == started + 540)

        // When five idle minutes pass and the reader times out
        fixture.clock.advance(seconds: 300)
        let reply = console.inputTimedOut()

        // Then the session ends, the screen is cleared and the login prompt returns
        #expect(reply.clearsScreen && reply.prompt == "Staff ID: ")
        #expect(reply.text.contains("ended after 5 minutes without input"))
        #expect(try fixture.audit().last?.action == "logout" && fixture.audit().last?.detail == "idle")
        #expect(console.handle("list").prompt == "Password: ")  // "list" is now taken as a staff ID
    }

    @Test func theSessionEndsEightHoursAfterLoginWhateverTheActivity() throws {
        // Given a session kept busy
        let console = try fixture.loggedIn()
        for _ in 0..<96 {
            fixture.clock.advance(seconds: 299)
            #expect(!console.handle("help").clearsScreen)
        }

        // When eight hours have passed since the login
        fixture.clock.advance(seconds: 8 * 3600 - 299 * 96)
        let reply = console.handle("list")

        // Then the command does not run and the session is over
        #expect(reply.text.contains("reached its 8-hour limit"))
        #expect(reply.clearsScreen && reply.prompt == "Staff ID: ")
    }

    @Test func logoutClearsTheScreenAndQuitFinishes() throws {
        let console = try fixture.loggedIn()
        let logout = console.handle("logout")
        #expect(logout.clearsScreen && logout.prompt == "Staff ID: " && logout.text.contains("Logged out."))

        let again = try fixture.loggedIn()
        #expect(again.handle("quit").prompt == nil)
        #expect(try fixture.audit().filter { $0.action == "logout" }.count == 2)
    }

    @Test func endOfInputLogsOut() throws {
        let console = try fixture.loggedIn()
        #expect(console.endOfInput().prompt == nil)
        #expect(try fixture.audit().last?.action == "logout" && fixture.audit().last?.detail == "end of input")
    }

    @Test func aWeakHashIsRenewedAtTheNextLogin() throws {
        // Given an account hashed with the test cost, and a console whose policy asks for more
        var stronger = fixture.policy
        stronger.hashCost = 5
        fixture.policy = stronger
        let console = fixture.console()

        // When its owner logs in
        _ = console.handle("petro")
        #expect(console.handle(ReviewFixture.reviewer.1).text.contains("Logged in"))

        // Then the stored hash carries the new cost
        #expect(try fixture.database.staff.account(id: "petro")?.passwordHash.hasPrefix("scrypt$ln=5$r=8$p=1$") == true)
    }
}
