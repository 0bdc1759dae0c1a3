import Foundation

/// A member of the center's staff who may log in to the review console.
///
/// The password is only ever stored as an encoded scrypt hash; login failures are counted
/// here so that the delay and the lock survive a restart of the console.
package struct StaffAccount: Sendable, Hashable, Codable {
    /// The login name: 2 to 32 lower-case letters, digits, `.`, `-` or `_`, starting with a letter.
    package var id: String
    package var name: String
    package var role: StaffRole
    /// `scrypt$ln=…$r=…$p=…$salt$hash`, see `KioskCrypto.PasswordHash`.
    package var passwordHash: String
    package var createdAt: Date
    package var passwordChangedAt: Date
    /// Set when the account is disabled; an open session ends at its next command.
    package var disabledAt: Date?
    /// Consecutive failed logins since the last success or unlock.
    package var failedLogins: Int
    package var lastFailedAt: Date?
    /// Set by versions that locked an account after 5 failed logins; no longer set or obeyed
    /// (failures now delay the next try, see `LoginPolicy`), cleared by an unlock.
    package var lockedAt: Date?
    package var lastLoginAt: Date?

    package init(id: String, name: String, role: StaffRole, passwordHash: String, createdAt: Date) {
        self.id = id
        self.name = name
        self.role = role
        self.passwordHash = passwordHash
        self.createdAt = createdAt
        self.passwordChangedAt = createdAt
        self.disabledAt = nil
        self.failedLogins = 0
        self.lastFailedAt = nil
        self.lockedAt = nil
        self.lastLoginAt = nil
    }

    /// Whether the account may log in now (the password aside).
    package var mayLogIn: Bool { disabledAt == nil }

    /// Whether `id` is an acceptable staff ID.
    package static func isValidID(_ id: String) -> Bool {
        guard (2...32).contains(id.utf8.count), let first = id.unicodeScalars.first, ("a"..."z").contains(first)
        else { return false }
        return id.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("0"..."9").contains($0) || ".-_".unicodeScalars.contains($0)
        }
    }

    enum CodingKeys: String, CodingKey {
        case id, name, role
        case passwordHash = "password_hash"
        case createdAt = "created_at"
        case passwordChangedAt = "password_changed_at"
        case disabledAt = "disabled_at"
        case failedLogins = "failed_logins"
        case lastFailedAt = "last_failed_at"
        case lockedAt = "locked_at"
        case lastLoginAt = "last_login_at"
    }
}

/// What a staff member may do: reviewers decide on applications, supervisors also start
/// uploads and unlock accounts.
package enum StaffRole: String, Sendable, Codable, CaseIterable {
    case reviewer
    case supervisor
}
