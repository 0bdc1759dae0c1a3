import Foundation
import KioskCrypto
import KioskStore

/// Checks a staff ID and password, counting failures and delaying, and saying as little as
/// possible: every failure looks the same, whether the ID exists, the password is wrong, the
/// account is waiting after failures (`LoginPolicy`) or disabled, and each costs the same
/// scrypt work.
package final class Authenticator {
    let database: AppDatabase
    let policy: LoginPolicy
    /// Failures under IDs that have no account, so their delays grow like a real account's.
    private var unknownFailures: [String: Int] = [:]
    /// Failures in a row at this console, whatever the ID, so trying many IDs is slow too.
    private var consecutiveFailures = 0
    /// A hash of a random password, verified for unknown IDs so they take as long as real ones.
    private var decoy: PasswordHash?

    package init(database: AppDatabase, policy: LoginPolicy) {
        self.database = database
        self.policy = policy
    }

    package enum Outcome: Equatable {
        case success(StaffAccount)
        /// Show the one failure message, then wait `delay` before the next attempt.
        case failure(delay: Duration)
    }

    package func logIn(id: String, password: String, at date: Date) throws -> Outcome {
        let account = try database.staff.account(id: id)
        let stored = account.flatMap { PasswordHash(encoded: $0.passwordHash) }
        let hash = try stored ?? decoyHash()
        let matches = try hash.verify(PasswordRules.bytes(password))
        let waiting = account.map { isWaiting($0, at: date) } ?? false
        if let account, stored != nil, matches, account.mayLogIn, !waiting {
            consecutiveFailures = 0
            return .success(try recordSuccess(account, hash: hash, password: password, at: date))
        }
        consecutiveFailures += 1
        let failures: Int
        if let account, waiting {
            // Not counted, so that trying during the wait does not make the holder wait longer.
            failures = account.failedLogins
            try database.audit.append(
                AuditRecord(
                    staffID: id, action: .loginFailed, detail: "tried during the wait after \(failures) failures"),
                at: date, hasher: .sha256)
        } else if account != nil {
            failures = try database.staff.recordFailedLogin(id: id, at: date, hasher: .sha256)?.failedLogins ?? 1
        } else {
            unknownFailures[id, default: 0] += 1
            failures = unknownFailures[id] ?? 1
            // The typed ID is not kept: it may be a password typed into the wrong prompt.
            try database.audit.append(
                AuditRecord(staffID: nil, action: .loginFailed, detail: "unknown staff ID"), at: date, hasher: .sha256)
        }
        return .failure(delay: policy.delay(afterFailures: max(failures, consecutiveFailures)))
    }

    /// Whether `account` is still in its wait after its last failed login.
    func isWaiting(_ account: StaffAccount, at date: Date) -> Bool {
        guard let last = account.lastFailedAt, account.failedLogins > 0 else { return false }
        return date < last + policy.accountDelay(afterFailures: account.failedLogins).timeInterval
    }

    /// Resets the failure count, notes the login, and renews a hash made with a lower cost.
    private func recordSuccess(
        _ account: StaffAccount, hash: PasswordHash, password: String, at date: Date
    ) throws
        -> StaffAccount
    {
        let parameters = PasswordRules.parameters(cost: policy.hashCost)
        let renewed =
            hash.isWeaker(than: parameters)
            ? try PasswordHash.create(password: PasswordRules.bytes(password), parameters: parameters).encoded : nil
        let updated = try database.staff.update(
            id: account.id, at: date, audit: [AuditRecord(staffID: account.id, action: .login)], hasher: .sha256
        ) { account in
            account.failedLogins = 0
            account.lastLoginAt = date
            if let renewed { account.passwordHash = renewed }
        }
        return updated ?? account
    }

    private func decoyHash() throws -> PasswordHash {
        if let decoy { return decoy }
        let made = try PasswordHash.unmatchable(parameters: PasswordRules.parameters(cost: policy.hashCost))
        decoy = made
        return made
    }
}
