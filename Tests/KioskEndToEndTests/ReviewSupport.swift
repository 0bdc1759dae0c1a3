import Foundation
import KioskTestSupport
import Testing

/// Steps the review, staff and audit tests share: accounts, applications, a logged-in console.
extension KioskFixture {
    static let supervisorPassword = "supervisor passphrase"
    static let reviewerPassword = "reviewer passphrase"

    /// Adds an account through `kiosk staff add --password-stdin` (real scrypt cost).
    func addStaff(_ id: String, name: String, role: String, password: String) throws {
        let run = try run(
            ["staff", "add", id, "--name", name, "--role", role, "--password-stdin"], input: password + "\n")
        guard run.status == 0 else { throw ReviewHarnessError("staff add \(id) failed: \(run.output) \(run.error)") }
    }

    /// Stores one application per surname through `kiosk attend` on a pipe; returns the references in order.
    @discardableResult
    func submitApplications(surnames: [String] = ["Shevchenko"]) throws -> [String] {
        let input = surnames.map { surname in
            var script = AttendPipeTests.script
            script[1] = surname
            return script.joined(separator: "\n") + "\n"
        }.joined()
        let run = try run(["attend"], input: input)
        guard run.status == 0 else { throw ReviewHarnessError("attend failed: \(run.error)") }
        let references = try sqlite("SELECT reference FROM application ORDER BY id").split(separator: "\n").map(
            String.init)
        guard references.count >= surnames.count else { throw ReviewHarnessError("only \(references.count) stored") }
        return Array(references.suffix(surnames.count))
    }

    /// `kiosk review` on a pseudo-terminal, logged in.
    func reviewTerminal(
        _ id: String = "olena", password: String = KioskFixture.supervisorPassword, options: [String] = []
    ) throws -> PseudoTerminal {
        let terminal = try terminal(["review", "--login-delay-ms", "100"] + options)
        try terminal.expect("Staff ID: ")
        terminal.sendLine(id)
        try terminal.expect("Password: ")
        terminal.sendLine(password)
        try terminal.expect("review> ", timeout: .seconds(20))
        return terminal
    }

    /// Types a console command and returns what it printed up to the next prompt.
    @discardableResult
    func command(_ terminal: PseudoTerminal, _ line: String, until prompt: String = "review> ") throws -> String {
        terminal.sendLine(line)
        return try terminal.expect(prompt, timeout: .seconds(20))
    }
}

struct ReviewHarnessError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
