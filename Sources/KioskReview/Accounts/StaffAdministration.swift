import Foundation
import KioskCrypto
import KioskStore

/// Adds, disables, re-enables and unlocks staff accounts and sets their passwords, each with
/// its audit entry. Used by `kiosk staff` (the actor is the operating-system user) and by a
/// supervisor in the console (`unlock`).
package struct StaffAdministration {
    let database: AppDatabase
    /// Who acts, as the audit log records it: a staff ID, or `os:NAME` from the command line.
    let actor: String
    let policy: LoginPolicy
    let now: @Sendable () -> Date

    package init(
        database: AppDatabase, actor: String, policy: LoginPolicy = LoginPolicy(),
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.database = database
        self.actor = actor
        self.policy = policy
        self.now = now
    }

    /// Creates an account; the ID must be free and the password acceptable.
    @discardableResult
    package func add(id: String, name: String, role: StaffRole, password: String) throws -> StaffAccount {
        guard StaffAccount.isValidID(id) else {
            throw StaffError(
                "\"\(id)\" is not a valid staff ID: use 2 to 32 lower-case letters, digits, '.', '-' or '_', starting with a letter"
            )
        }
        let name = name.trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, name.count <= 64, !name.unicodeScalars.contains(where: Self.isUnprintable) else {
            throw StaffError("the name must be 1 to 64 printable characters")
        }
        if let problem = PasswordRules.problem(with: password, staffID: id) { throw StaffError(problem) }
        let hash = try PasswordHash.create(
            password: PasswordRules.bytes(password), parameters: PasswordRules.parameters(cost: policy.hashCost))
        let account = StaffAccount(id: id, name: name, role: role, passwordHash: hash.encoded, createdAt: now())
        let added = try database.staff.add(
            account, audit: AuditRecord(staffID: actor, action: .staffAdd, detail: "account \(id), \(role.rawValue)"),
            hasher: .sha256)
        guard added else { throw StaffError("there is already an account \(id); see kiosk staff list") }
        return account
    }

    /// Sets a new password; also clears failures and the lock, since the holder proved who they are to an operator.
    package func setPassword(id: String, password: String) throws {
        if let problem = PasswordRules.problem(with: password, staffID: id) { throw StaffError(problem) }
        let hash = try PasswordHash.create(
            password: PasswordRules.bytes(password), parameters: PasswordRules.parameters(cost: policy.hashCost))
        let date = now()
        try change(id: id, .staffPassword) { account in
            account.passwordHash = hash.encoded
            account.passwordChangedAt = date
            account.failedLogins = 0
            account.lockedAt = nil
        }
    }

    /// Disables an account: it can no longer log in, and an open session ends at its next command.
    package func disable(id: String) throws {
        let date = now()
        try change(id: id, .staffDisable) { $0.disabledAt = $0.disabledAt ?? date }
    }

    package func enable(id: String) throws {
        try change(id: id, .staffEnable) { $0.disabledAt = nil }
    }

    /// Resets the failure count, so the account's wait after failed logins ends now.
    package func unlock(id: String) throws {
        try change(id: id, .staffUnlock) { account in
            account.lockedAt = nil
            account.failedLogins = 0
        }
    }

    package func list() throws -> [StaffAccount] {
        try database.staff.accounts()
    }

    private func change(id: String, _ action: AuditAction, _ body: (inout StaffAccount) -> Void) throws {
        let updated = try database.staff.update(
            id: id, at: now(), audit: [AuditRecord(staffID: actor, action: action, detail: "account \(id)")],
            hasher: .sha256, body)
        guard updated != nil else { throw StaffError("there is no account \(id); see kiosk staff list") }
    }

    private static func isUnprintable(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format, .unassigned, .privateUse, .surrogate, .lineSeparator, .paragraphSeparator: true
        default: false
        }
    }
}
