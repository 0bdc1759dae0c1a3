import Foundation
import KioskSupport

/// The signed summary of a batch (`manifest.json`): who made it, where it sits in the center's
/// chain, and the digest and reference numbers of its records.
///
/// Headquarters trusts a batch only through this file: the signature covers its exact bytes, so
/// those bytes are produced by `encoded()` alone and `decode(_:)` accepts nothing but them.
public struct BatchManifest: Codable, Equatable, Sendable {
    /// The format of batches whose records are sealed to headquarters (`records.sealed`): what
    /// the kiosk writes.
    public static let sealedFormat = "kiosk-batch/2"
    /// The first format, with the records in clear (`records.jsonl`); read, never written.
    public static let plainFormat = "kiosk-batch/1"
    /// The format the kiosk writes.
    public static let formatName = sealedFormat

    /// `sealedFormat` or `plainFormat`.
    public var format: String
    /// The recruiting center's code, e.g. `DEMO01`.
    public var center: String
    /// `Ed25519PublicKey.fingerprint` of the key that signs the batch.
    public var keyFingerprint: String
    /// The batch number within the center: 1, 2, 3… with no gaps.
    public var sequence: Int
    /// Hex SHA-256 of the previous batch's `manifest.json` bytes; nil (JSON null) for sequence 1.
    public var previous: String?
    /// When the batch was sealed, as `rfc3339(_:)` writes it.
    public var createdAt: String
    /// The number of records (lines of `records.jsonl`, or of the sealed records once opened).
    public var count: Int
    /// Hex SHA-256 of the exact bytes of the records entry: `records.sealed` (format 2) or
    /// `records.jsonl` (format 1), so `sha256sum` checks a batch without opening it.
    public var recordsSHA256: String
    /// The applications' reference numbers, in record order.
    public var references: [String]
    /// `X25519PublicKey.fingerprint` of headquarters' sealing key the records are sealed to;
    /// present exactly in format 2.
    public var sealingKeyFingerprint: String?

    /// The kiosk's audit log when the batch was sealed (its newest entry's id and hash): a
    /// witness headquarters keeps, so a rewritten log cannot hide. Nil from a kiosk whose log is
    /// empty, and in batches sealed before kiosks sent it.
    public var audit: AuditWitness?

    /// Whether the records are sealed (format 2).
    public var isSealed: Bool { format == Self.sealedFormat }

    /// The name of the records entry in the archive.
    public var recordsEntry: String { isSealed ? BatchEntry.sealedRecords : BatchEntry.records }

    /// Makes a manifest: format 2 with `sealingKeyFingerprint`, format 1 (records in clear) without.
    public init(
        center: String, keyFingerprint: String, sequence: Int, previous: String?, createdAt: String, count: Int,
        recordsSHA256: String, references: [String], sealingKeyFingerprint: String?, audit: AuditWitness? = nil
    ) {
        self.audit = audit
        self.format = sealingKeyFingerprint == nil ? Self.plainFormat : Self.sealedFormat
        self.sealingKeyFingerprint = sealingKeyFingerprint
        self.center = center
        self.keyFingerprint = keyFingerprint
        self.sequence = sequence
        self.previous = previous
        self.createdAt = createdAt
        self.count = count
        self.recordsSHA256 = recordsSHA256
        self.references = references
    }

    /// The canonical bytes that are signed: keys sorted, compact, `/` unescaped, one trailing "\n";
    /// `sealing_key_fingerprint` only in format 2.
    ///
    /// Built by hand rather than with `JSONEncoder` so the signed bytes can never change with a
    /// Foundation update; `previous` is written as `null` for the first batch, never left out.
    public func encoded() -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(320 + references.reduce(0) { $0 + $1.utf8.count + 3 })
        func key(_ name: String, first: Bool = false) {
            if !first { bytes.append(UInt8(ascii: ",")) }
            JSONString.appendLiteral(name, to: &bytes)
            bytes.append(UInt8(ascii: ":"))
        }
        bytes.append(UInt8(ascii: "{"))
        if let audit {
            key(CodingKeys.auditHead.stringValue, first: true)
            JSONString.appendLiteral(audit.head, to: &bytes)
            key(CodingKeys.auditLength.stringValue)
            bytes.append(contentsOf: String(audit.length).utf8)
        }
        key(CodingKeys.center.stringValue, first: audit == nil)
        JSONString.appendLiteral(center, to: &bytes)
        key(CodingKeys.count.stringValue)
        bytes.append(contentsOf: String(count).utf8)
        key(CodingKeys.createdAt.stringValue)
        JSONString.appendLiteral(createdAt, to: &bytes)
        key(CodingKeys.format.stringValue)
        JSONString.appendLiteral(format, to: &bytes)
        key(CodingKeys.keyFingerprint.stringValue)
        JSONString.appendLiteral(keyFingerprint, to: &bytes)
        key(CodingKeys.previous.stringValue)
        if let previous {
            JSONString.appendLiteral(previous, to: &bytes)
        } else {
            bytes.append(contentsOf: "null".utf8)
        }
        key(CodingKeys.recordsSHA256.stringValue)
        JSONString.appendLiteral(recordsSHA256, to: &bytes)
        key(CodingKeys.references.stringValue)
        bytes.append(UInt8(ascii: "["))
        for (index, reference) in references.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            JSONString.appendLiteral(reference, to: &bytes)
        }
        bytes.append(UInt8(ascii: "]"))
        if let sealingKeyFingerprint {
            key(CodingKeys.sealingKeyFingerprint.stringValue)
            JSONString.appendLiteral(sealingKeyFingerprint, to: &bytes)
        }
        key(CodingKeys.sequence.stringValue)
        bytes.append(contentsOf: String(sequence).utf8)
        bytes.append(contentsOf: "}\n".utf8)
        return bytes
    }

    /// The batch file name, `<center>-<sequence as 8 digits>.tar`, e.g. `DEMO01-00000042.tar`.
    public static func fileName(center: String, sequence: Int) -> String {
        "\(center)-\(RFC3339.pad(sequence, 8)).tar"
    }

    /// `date` as a manifest writes it: UTC, whole seconds, "Z" (e.g. `2026-11-27T21:45:00Z`).
    public static func rfc3339(_ date: Date) -> String {
        RFC3339.format(date)
    }

    /// The JSON keys, in the order `encoded()` writes them (sorted).
    enum CodingKeys: String, CodingKey, CaseIterable {
        case auditHead = "audit_head"
        case auditLength = "audit_length"
        case center
        case count
        case createdAt = "created_at"
        case format
        case keyFingerprint = "key_fingerprint"
        case previous
        case recordsSHA256 = "records_sha256"
        case references
        case sealingKeyFingerprint = "sealing_key_fingerprint"
        case sequence
    }
}

/// Where a kiosk's audit log stood: `length`, the id of its newest entry (ids run 1, 2, 3…
/// with no gap), and `head`, that entry's hex SHA-256, which `kiosk audit verify --head` checks.
public struct AuditWitness: Equatable, Sendable {
    public let length: Int
    public let head: String

    public init(length: Int, head: String) {
        self.length = length
        self.head = head
    }
}
