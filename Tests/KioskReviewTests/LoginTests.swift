import Foundation
import KioskReview
import Testing

@testable import KioskStore

@Suite("Console login, delays, waits after failures and session limits")
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

    @Test func wrongPasswordsAreDelayedMoreEachTimeThenTheAccountWaitsInsteadOfLocking() throws {
        // Given the console
        let console = fixture.console()
        _ = console.start()

        // When a wrong password is typed five times, each after the console's pause
        var pauses: [Duration] = []
        for attempt in 1...5 {
            fixture.clock.advance(seconds: Double(pauses.last?.components.seconds ?? 0))
            _ = console.handle("petro")
            let reply = console.handle("wrong-password-\(attempt)")
            #expect(reply.text == console.localized(.loginFailed))
            #expect(reply.prompt == "Staff ID: ")
            pauses.append(reply.pause)
        }

        // Then each failure pauses the console longer (1, 2, 4, 8 s), and the account is not locked
        #expect(pauses == [.seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(8)])
        let account = try #require(try fixture.database.staff.account(id: "petro"))
        #expect(account.failedLogins == 5 && account.lockedAt == nil)

        // And during the account's wait (16 s after the fifth) even the right password fails,
        // with the same message, and does not lengthen the wait
        fixture.clock.advance(seconds: 15)
        _ = console.handle("petro")
        #expect(console.handle(ReviewFixture.reviewer.1).text == console.localized(.loginFailed))
        #expect(try fixture.database.staff.account(id: "petro")?.failedLogins == 5)

        // When the wait is over, the right password works, without anyone unlocking it
        fixture.clock.advance(seconds: 1)
        _ = console.handle("petro")
        #expect(console.handle(ReviewFixture.reviewer.1).text.contains("Logged in as Petro Bondar"))
        #expect(try fixture.database.staff.account(id: "petro")?.failedLogins == 0)

        // And the audit log shows the six failures, no lock, never a password
        let actions = try fixture.audit().map(\.action)
        #expect(actions.filter { $0 == "login-failed" }.count == 6)
        #expect(!actions.contains("account-locked"))
        #expect(
            try !fixture.audit().contains {
                ($0.detail ?? "").contains("wrong") || ($0.detail ?? "").contains("password-1")
            })
    }

    @Test func anyoneAtTheTerminalCannotKeepTheHolderOutForLongerThanFifteenMinutes() throws {
        // Given 40 wrong passwords for petro, each typed as soon as the account takes a try
        let console = fixture.console()
        let policy = LoginPolicy()
        for failures in 0..<40 {
            fixture.clock.advance(seconds: Double(policy.accountDelay(afterFailures: failures).components.seconds))
            _ = console.handle("petro")
            _ = console.handle("a wrong guess")
        }
        #expect(try fixture.database.staff.account(id: "petro")?.failedLogins == 40)

        // When the console is restarted (a new process on the same database) just before the wait ends
        fixture.clock.advance(seconds: 899)
        let restarted = fixture.console()
        _ = restarted.handle("petro")

        // Then the count held: the right password still waits; 15 minutes after the last guess it works
        #expect(restarted.handle(ReviewFixture.reviewer.1).text == console.localized(.loginFailed))
        fixture.clock.advance(seconds: 1)
        _ = restarted.handle("petro")
        #expect(restarted.handle(ReviewFixture.reviewer.1).text.contains("Logged in as Petro Bondar"))
    }

    @Test func aSupervisorsUnlockEndsTheWaitAtOnce() throws {
        // Given petro waiting after 6 failures
        let console = fixture.console()
        for attempt in 1...6 {
            _ = console.handle("petro")
            _ = console.handle("wrong-password-\(attempt)")
        }
        _ = console.handle("petro")
        #expect(console.handle(ReviewFixture.reviewer.1).text == console.localized(.loginFailed))

        // When a supervisor unlocks the account, the right password works at once
        try fixture.administration(actor: "olena").unlock(id: "petro")
        _ = console.handle("petro")
        #expect(console.handle(ReviewFixture.reviewer.1).text.contains("Logged in as Petro Bondar"))
        #expect(try fixture.audit().map(\.action).contains("staff-unlock"))
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
