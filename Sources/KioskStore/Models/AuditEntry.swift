import Foundation
import GRDB

/// One row of the tamper-evident audit log, as stored.
///
/// `sha256` is the SHA-256 of `canonicalBytes`, which include the previous row's hash,
/// so each row vouches for the whole chain before it. Only identifiers are kept here
/// (staff ID, action, reference, a non-personal detail such as a field name), never what
/// an applicant typed, so the log can be read without exposing personal data.
package struct AuditEntry: Sendable, Hashable {
    package let id: Int64
    /// The time as stored (UTC, `yyyy-MM-dd HH:mm:ss.SSS`); hashed exactly as this text.
    package let at: String
    /// The staff member who acted; nil for a failed login under an unknown ID.
    package let staffID: String?
    package let action: String
    package let reference: String?
    package let detail: String?
    package let previousSHA256: String
    package let sha256: String

    /// The `previousSHA256` of the first row.
    package static let genesis = String(repeating: "0", count: 64)

    /// The bytes that are hashed: a version tag, then each field as `length:value,` (or
    /// `-,` for none), so no two different rows can share a content.
    package static func canonicalBytes(
        previous: String, at: String, staffID: String?, action: String, reference: String?, detail: String?
    ) -> [UInt8] {
        var bytes = Array("kiosk-audit-v1\n".utf8)
        for field in [previous, at, staffID, action, reference, detail] {
            if let field {
                bytes += Array("\(field.utf8.count):".utf8) + Array(field.utf8) + Array(",".utf8)
            } else {
                bytes += Array("-,".utf8)
            }
        }
        return bytes
    }

    package var canonicalBytes: [UInt8] {
        Self.canonicalBytes(
            previous: previousSHA256, at: at, staffID: staffID, action: action, reference: reference, detail: detail)
    }

    /// The stored time as a date, for display.
    package var date: Date? {
        Date.fromDatabaseValue(at.databaseValue)
    }
}

/// What to append to the audit log; the store adds the time and the chain.
package struct AuditRecord: Sendable, Hashable {
    package let staffID: String?
    package let action: AuditAction
    package let reference: String?
    package let detail: String?

    package init(staffID: String?, action: AuditAction, reference: String? = nil, detail: String? = nil) {
        self.staffID = staffID
        self.action = action
        self.reference = reference
        self.detail = detail
    }
}

/// The actions the audit log records.
package enum AuditAction: String, Sendable, CaseIterable {
    case login
    case loginFailed = "login-failed"
    case accountLocked = "account-locked"
    case logout
    case list
    case show
    case search
    case approve
    case reject
    case issue
    case note
    case edit
    case upload
    case staffAdd = "staff-add"
    case staffDisable = "staff-disable"
    case staffEnable = "staff-enable"
    case staffPassword = "staff-password"
    case staffUnlock = "staff-unlock"
}

/// Computes the chain's SHA-256; supplied by the caller, because the store has no
/// cryptography of its own.
package struct AuditHasher: Sendable {
    package let sha256Hex: @Sendable ([UInt8]) -> String

    package init(sha256Hex: @escaping @Sendable ([UInt8]) -> String) {
        self.sha256Hex = sha256Hex
    }
}
