import ArgumentParser
import Foundation
import KioskApp
import KioskCommandLine
import KioskReview
import KioskStore
import KioskTerminal

/// `kiosk staff`: the accounts that may log in to the review console.
struct StaffCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "staff",
        abstract: "Add, list, disable and unlock the staff accounts of the review console.",
        discussion: """
            Whoever can run this on the data folder administers the accounts; each change is \
            recorded in the audit log under the operating-system user (os:NAME).
            """,
        subcommands: [Add.self, List.self, Passwd.self, Disable.self, Enable.self, Unlock.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add an account.",
            discussion: """
                Without --password-stdin the password is asked twice on the terminal, with echo off. \
                It must have at least 10 characters and must not contain the ID.
                """)

        @OptionGroup var data: DataOptions

        @Argument(help: "The staff ID to log in with: 2-32 lower-case letters, digits, '.', '-' or '_'.")
        var id: String

        @Option(help: "The person's name, as the console and the history show it.")
        var name: String

        @Option(help: "reviewer (decides on applications) or supervisor (also uploads and unlocks accounts).")
        var role: StaffRole = .reviewer

        @Flag(help: "Read the password as one line from standard input (for scripts).")
        var passwordStdin = false

        func validate() throws { try StaffCommand.validate(id: id) }

        func run() async throws {
            let administration = try StaffCommand.administration(data)
            let password = try PasswordEntry.newPassword(fromStandardInput: passwordStdin)
            let account = try administration.add(id: id, name: name, role: role, password: password)
            print(
                "Added \(account.role.rawValue) \(account.id) (\(TerminalText.escape(account.name))); log in with: kiosk review"
            )
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the accounts and whether they can log in.")

        @OptionGroup var data: DataOptions

        func run() async throws {
            let accounts = try StaffCommand.administration(data).list()
            guard !accounts.isEmpty else {
                print("No staff accounts yet; add one with: kiosk staff add ID --name NAME --role supervisor")
                return
            }
            let time = ReviewTime(timeZone: .current)
            print(ReviewScreen.row([("ID", 16), ("Name", 24), ("Role", 10), ("State", 12), ("Last login", 16)]))
            for account in accounts {
                let state =
                    account.disabledAt != nil
                    ? "disabled" : account.failedLogins > 0 ? "\(account.failedLogins) failed" : "active"
                print(
                    ReviewScreen.row([
                        (TerminalText.escape(account.id), 16), (TerminalText.escape(account.name), 24),
                        (account.role.rawValue, 10),
                        (state, 12), (account.lastLoginAt.map(time.minute) ?? "never", 16),
                    ]))
            }
        }
    }

    struct Passwd: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set a new password for an account (this also lifts a lock).",
            discussion: "Without --password-stdin the password is asked twice on the terminal, with echo off.")

        @OptionGroup var data: DataOptions

        @Argument(help: "The staff ID.")
        var id: String

        @Flag(help: "Read the password as one line from standard input (for scripts).")
        var passwordStdin = false

        func validate() throws { try StaffCommand.validate(id: id) }

        func run() async throws {
            let administration = try StaffCommand.administration(data)
            guard try administration.list().contains(where: { $0.id == id }) else {
                throw StaffError("there is no account \(id); see kiosk staff list")
            }
            try administration.setPassword(
                id: id, password: try PasswordEntry.newPassword(fromStandardInput: passwordStdin))
            print("The password of \(id) was changed.")
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Disable an account: it cannot log in, and an open session ends at its next command.")

        @OptionGroup var data: DataOptions

        @Argument(help: "The staff ID.")
        var id: String

        func validate() throws { try StaffCommand.validate(id: id) }

        func run() async throws {
            try StaffCommand.administration(data).disable(id: id)
            print("\(id) is disabled.")
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enable a disabled account again.")

        @OptionGroup var data: DataOptions

        @Argument(help: "The staff ID.")
        var id: String

        func validate() throws { try StaffCommand.validate(id: id) }

        func run() async throws {
            try StaffCommand.administration(data).enable(id: id)
            print("\(id) is enabled.")
        }
    }

    struct Unlock: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "End an account's wait after failed logins (resets the count).",
            discussion: "A supervisor can also type unlock ID in the review console.")

        @OptionGroup var data: DataOptions

        @Argument(help: "The staff ID.")
        var id: String

        func validate() throws { try StaffCommand.validate(id: id) }

        func run() async throws {
            try StaffCommand.administration(data).unlock(id: id)
            print("\(id) is unlocked.")
        }
    }

    static func validate(id: String) throws {
        guard StaffAccount.isValidID(id) else {
            throw ValidationError(
                "a staff ID is 2-32 lower-case letters, digits, '.', '-' or '_', starting with a letter")
        }
    }

    /// The data folder's database, with the operating-system user as the actor.
    static func administration(_ data: DataOptions) throws -> StaffAdministration {
        KioskLogging.bootstrap(ProcessInfo.processInfo.environment)
        let folder = try data.preparedFolder()
        return StaffAdministration(database: try folder.openDatabase(), actor: "os:" + operatingSystemUser)
    }

    /// The login name of whoever runs the command, for the audit log.
    static var operatingSystemUser: String {
        let name = ProcessInfo.processInfo.userName
        let safe = name.unicodeScalars.filter {
            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0))
        }
        return safe.isEmpty ? "uid\(getuid())" : String(String.UnicodeScalarView(safe.prefix(32)))
    }
}

extension StaffRole: ExpressibleByArgument {}
