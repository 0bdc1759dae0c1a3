import Foundation
import KioskCrypto

/// What a staff password must be, and the exact bytes that are hashed.
package enum PasswordRules {
    package static let minimumLength = 10
    package static let maximumLength = 256

    /// Why `password` is refused for `staffID`, or nil when it is acceptable.
    package static func problem(with password: String, staffID: String) -> String? {
        let count = password.count
        if count < minimumLength {
            return "the password is too short: at least \(minimumLength) characters"
        }
        if count > maximumLength {
            return "the password is too long: at most \(maximumLength) characters"
        }
        if password.lowercased().contains(staffID.lowercased()) {
            return "the password must not contain the staff ID"
        }
        if Set(password).count < 4 {
            return "the password repeats too few different characters"
        }
        return nil
    }

    /// The UTF-8 of the password in Unicode NFC, so the same password typed on terminals
    /// that compose accents differently still matches.
    package static func bytes(_ password: String) -> [UInt8] {
        Array(password.precomposedStringWithCanonicalMapping.utf8)
    }

    /// The scrypt parameters of a policy's hash cost.
    package static func parameters(cost: UInt8) -> PasswordHash.Parameters {
        PasswordHash.Parameters(logN: cost, r: 8, p: 1)
    }
}
