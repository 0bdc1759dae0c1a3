import Foundation
import KioskSupport

/// Headquarters' statement that it stored one batch of one center: the only thing that lets a
/// kiosk mark applications delivered and, later, forget their personal data.
///
/// Its bytes are canonical JSON (keys sorted, compact, one trailing newline) so that a signature
/// covers exactly one meaning; `decode(_:)` accepts those bytes and nothing else.
public struct Receipt: Codable, Equatable, Sendable {
    /// The value of `format` for this version of the receipt.
    public static let formatName = "kiosk-receipt/1"

    /// Always `formatName`.
    public var format: String
    /// The center whose batch was stored, e.g. `DEMO01`.
    public var center: String
    /// The batch's sequence number within the center.
    public var sequence: Int
    /// Hex SHA-256 of the batch's `manifest.json`: names the exact batch (the manifest covers the records).
    public var manifestSHA256: String
    /// When headquarters stored the batch, UTC, whole seconds (`2026-11-27T21:45:00Z`).
    public var receivedAt: String
    /// Fingerprint (hex SHA-256 of the DER public key) of headquarters' receipt key.
    public var keyFingerprint: String

    /// Makes a receipt; `format` is set to `formatName`.
    public init(center: String, sequence: Int, manifestSHA256: String, receivedAt: String, keyFingerprint: String) {
        format = Self.formatName
        self.center = center
        self.sequence = sequence
        self.manifestSHA256 = manifestSHA256
        self.receivedAt = receivedAt
        self.keyFingerprint = keyFingerprint
    }

    /// The canonical bytes that headquarters signs.
    ///
    /// Every string field is checked by `validate()` to hold only ASCII letters, digits and
    /// `-:`, so none of them needs escaping and plain interpolation is the canonical form.
    public func encoded() -> [UInt8] {
        let text =
            #"{"center":"\#(center)","format":"\#(format)","key_fingerprint":"\#(keyFingerprint)","#
            + #""manifest_sha256":"\#(manifestSHA256)","received_at":"\#(receivedAt)","sequence":\#(sequence)}"#
            + "\n"
        return Array(text.utf8)
    }

    /// Parses receipt bytes strictly: known keys only, valid values, and exactly the canonical form.
    public static func decode(_ bytes: [UInt8]) throws(ReceiptError) -> Receipt {
        guard bytes.count <= 4096 else { throw ReceiptError("the receipt is \(bytes.count) bytes; a receipt is small") }
        let receipt: Receipt
        do {
            receipt = try JSONDecoder().decode(Receipt.self, from: Data(bytes))
        } catch let error as ReceiptError {
            throw error
        } catch {
            throw ReceiptError("the receipt is not a kiosk-receipt/1 JSON object")
        }
        try receipt.validate()
        guard receipt.encoded() == bytes else {
            throw ReceiptError("the receipt is not in canonical form (sorted keys, compact, one trailing newline)")
        }
        return receipt
    }

    /// Checks every field, so that a receipt that names nothing precise is never signed or trusted.
    public func validate() throws(ReceiptError) {
        guard format == Self.formatName else { throw ReceiptError("the receipt's format is not \(Self.formatName)") }
        guard CenterCode.isValid(center) else { throw ReceiptError("the receipt's center is not a center code") }
        guard sequence >= 1 else { throw ReceiptError("the receipt's sequence is not a batch number") }
        guard Hex.isSHA256(manifestSHA256) else {
            throw ReceiptError("the receipt's manifest_sha256 is not 64 lower-case hex digits")
        }
        guard Hex.isSHA256(keyFingerprint) else {
            throw ReceiptError("the receipt's key_fingerprint is not 64 lower-case hex digits")
        }
        guard RFC3339.parse(receivedAt) != nil else {
            throw ReceiptError("the receipt's received_at is not a UTC time like 2026-11-27T21:45:00Z")
        }
    }

    /// `date` as a receipt writes it: UTC, whole seconds, `Z` (the manifests' format too).
    public static func timestamp(_ date: Date) -> String {
        RFC3339.format(date)
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case center, format, sequence
        case keyFingerprint = "key_fingerprint"
        case manifestSHA256 = "manifest_sha256"
        case receivedAt = "received_at"
    }
}

/// Why receipt or catalog bytes, a signature or an intake answer cannot be trusted; no personal data inside.
public struct ReceiptError: Error, Equatable, Sendable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
