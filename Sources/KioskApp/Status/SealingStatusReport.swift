import Foundation

/// The sealing part of `kiosk status`: which headquarters key the records are sealed to, how long
/// sealed applications keep their answers here, and how many still do. Its JSON keys are a
/// monitoring interface, keep them stable.
package struct SealingStatusReport: Encodable, Sendable {
    /// The fingerprint of `hq_sealing_key`, or nil when none is configured (or it cannot be read).
    package let keyFingerprint: String?
    /// `keep_plaintext_days` (0: answers are deleted as they are sealed).
    package let keepPlaintextDays: Int
    /// Sealed or delivered applications whose answers are still in the database.
    package let plaintextHeld: Int

    package init(keyFingerprint: String?, keepPlaintextDays: Int, plaintextHeld: Int) {
        self.keyFingerprint = keyFingerprint
        self.keepPlaintextDays = keepPlaintextDays
        self.plaintextHeld = plaintextHeld
    }

    enum CodingKeys: String, CodingKey {
        case keyFingerprint = "key_fingerprint"
        case keepPlaintextDays = "keep_plaintext_days"
        case plaintextHeld = "plaintext_held"
    }

    /// Encodes an absent key as null, so monitoring sees every key.
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(keyFingerprint, forKey: .keyFingerprint)
        try container.encode(keepPlaintextDays, forKey: .keepPlaintextDays)
        try container.encode(plaintextHeld, forKey: .plaintextHeld)
    }

    package var lines: [String] {
        let key =
            keyFingerprint.map { "records sealed to headquarters' key \($0)" }
            ?? "no hq_sealing_key: nothing can be sealed"
        let keep =
            keepPlaintextDays == 0
            ? "answers deleted when sealed" : "answers kept \(keepPlaintextDays) days after sealing"
        return [
            "sealing:     \(key)",
            "             \(keep); \(plaintextHeld) sealed application\(plaintextHeld == 1 ? "" : "s") still hold answers here",
        ]
    }
}
