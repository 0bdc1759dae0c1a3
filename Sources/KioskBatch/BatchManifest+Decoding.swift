import Foundation
import KioskCore
import KioskSupport

/// Strict reading of `manifest.json`: headquarters reads manifests from hostile uploads, so every
/// field is checked and only the exact canonical bytes that `encoded()` writes are accepted.
extension BatchManifest {
    /// Parses and checks a manifest; refuses unknown keys, wrong types, invalid values and any
    /// byte sequence that is not exactly what `encoded()` would write for the same manifest.
    ///
    /// Requiring the canonical form means a signature covers one meaning only: no duplicate keys,
    /// no alternative escapes or number spellings that different JSON parsers might read differently.
    public static func decode(_ bytes: [UInt8]) throws(BatchError) -> BatchManifest {
        let manifest: BatchManifest
        do {
            manifest = try JSONDecoder().decode(BatchManifest.self, from: Data(bytes))
        } catch let error as BatchError {
            throw error
        } catch let error as DecodingError {
            throw BatchError(.malformedManifest, Self.describe(error))
        } catch {
            throw BatchError(.malformedManifest, "manifest.json cannot be decoded: \(error)")
        }
        try manifest.validate()
        guard manifest.encoded() == bytes else {
            throw BatchError(
                .malformedManifest,
                "manifest.json is not in canonical form (sorted keys, compact, no unneeded escapes, "
                    + "one trailing newline); its bytes differ from the re-encoded manifest")
        }
        return manifest
    }

    /// Checks every field's value, so that the kiosk never signs, and headquarters never accepts,
    /// a manifest that the other side would refuse.
    ///
    /// References must be canonical reference numbers (`DEMO01-2026-000042-K`) of this manifest's
    /// own center, and unique.
    public func validate() throws(BatchError) {
        func fail(_ message: String) -> BatchError { BatchError(.malformedManifest, "manifest.json: " + message) }
        guard format == Self.sealedFormat || format == Self.plainFormat else {
            throw fail(
                "format is \(DisplayText.quoted(format)), expected \"\(Self.sealedFormat)\" (or \"\(Self.plainFormat)\")"
            )
        }
        if isSealed {
            guard let sealingKeyFingerprint else {
                throw fail(
                    "sealing_key_fingerprint is missing; a \(Self.sealedFormat) batch names the key it is sealed to")
            }
            guard Hex.isSHA256(sealingKeyFingerprint) else {
                throw fail(
                    "sealing_key_fingerprint \(DisplayText.quoted(sealingKeyFingerprint)) is not 64 lower-case hex digits"
                )
            }
        } else if sealingKeyFingerprint != nil {
            throw fail("sealing_key_fingerprint is set, but a \(Self.plainFormat) batch is not sealed")
        }
        guard CenterCode.isValid(center) else {
            throw fail("center \(DisplayText.quoted(center)) is not 2 to 12 upper-case ASCII letters or digits")
        }
        guard Hex.isSHA256(keyFingerprint) else {
            throw fail("key_fingerprint \(DisplayText.quoted(keyFingerprint)) is not 64 lower-case hex digits")
        }
        guard sequence >= 1 else {
            throw fail("sequence is \(sequence); batches are numbered from 1")
        }
        if let audit {
            guard audit.length >= 1 else { throw fail("audit_length is \(audit.length); audit entries count from 1") }
            guard Hex.isSHA256(audit.head) else {
                throw fail("audit_head \(DisplayText.quoted(audit.head)) is not 64 lower-case hex digits")
            }
        }
        if let previous, !Hex.isSHA256(previous) {
            throw fail("previous \(DisplayText.quoted(previous)) is neither null nor 64 lower-case hex digits")
        }
        guard RFC3339.parse(createdAt) != nil else {
            throw fail("created_at \(DisplayText.quoted(createdAt)) is not a UTC time like \"2026-11-27T21:45:00Z\"")
        }
        guard Hex.isSHA256(recordsSHA256) else {
            throw fail("records_sha256 \(DisplayText.quoted(recordsSHA256)) is not 64 lower-case hex digits")
        }
        guard count == references.count else {
            throw fail("count is \(count) but references lists \(references.count) reference numbers")
        }
        var seen = Set<String>(minimumCapacity: references.count)
        for (index, reference) in references.enumerated() {
            guard let parsed = ReferenceNumber(parsing: reference), parsed.description == reference else {
                throw fail("references[\(index)] \(DisplayText.quoted(reference)) is not a reference number")
            }
            // Headquarters keeps references unique per center: a batch listing another center's
            // references would otherwise claim them first and block that center's own batch.
            guard parsed.center == center else {
                throw fail(
                    "references[\(index)] \(DisplayText.quoted(reference)) belongs to center \(parsed.center); "
                        + "a batch of center \(center) may only carry \(center)'s own references")
            }
            guard seen.insert(reference).inserted else {
                throw fail("references[\(index)] \(DisplayText.quoted(reference)) appears more than once")
            }
        }
    }

    /// Decodes the fields (`sealing_key_fingerprint` only in format 2) and refuses any other key, so a misspelt or smuggled field is an error.
    public init(from decoder: any Decoder) throws {
        do {
            try StrictKeys.check(decoder, allowed: CodingKeys.self, file: "manifest.json")
        } catch let error as UnknownKeyError {
            // The intake's answer keeps its wording; the key is shown escaped and cut.
            throw BatchError(.malformedManifest, "manifest.json has an unknown field \(DisplayText.quoted(error.key))")
        }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        format = try container.decode(String.self, forKey: .format)
        center = try container.decode(String.self, forKey: .center)
        keyFingerprint = try container.decode(String.self, forKey: .keyFingerprint)
        sequence = try container.decode(Int.self, forKey: .sequence)
        // Present and null is the only way to say "no previous batch"; a missing key is an error.
        guard container.contains(.previous) else {
            throw DecodingError.keyNotFound(
                CodingKeys.previous, .init(codingPath: [], debugDescription: "previous is missing"))
        }
        previous = try container.decodeNil(forKey: .previous) ? nil : container.decode(String.self, forKey: .previous)
        createdAt = try container.decode(String.self, forKey: .createdAt)
        count = try container.decode(Int.self, forKey: .count)
        recordsSHA256 = try container.decode(String.self, forKey: .recordsSHA256)
        references = try container.decode([String].self, forKey: .references)
        sealingKeyFingerprint = try container.decodeIfPresent(String.self, forKey: .sealingKeyFingerprint)
        // Both or neither.
        let head = try container.decodeIfPresent(String.self, forKey: .auditHead)
        let length = try container.decodeIfPresent(Int.self, forKey: .auditLength)
        switch (head, length) {
        case (let head?, let length?): audit = AuditWitness(length: length, head: head)
        case (nil, nil): audit = nil
        default:
            throw BatchError(.malformedManifest, "manifest.json: audit_head and audit_length come together")
        }
    }

    /// Encodes the fields, `previous` as null when absent; `encoded()` is the canonical form.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(format, forKey: .format)
        try container.encode(center, forKey: .center)
        try container.encode(keyFingerprint, forKey: .keyFingerprint)
        try container.encode(sequence, forKey: .sequence)
        try container.encode(previous, forKey: .previous)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(count, forKey: .count)
        try container.encode(recordsSHA256, forKey: .recordsSHA256)
        try container.encode(references, forKey: .references)
        try container.encodeIfPresent(sealingKeyFingerprint, forKey: .sealingKeyFingerprint)
        try container.encodeIfPresent(audit?.head, forKey: .auditHead)
        try container.encodeIfPresent(audit?.length, forKey: .auditLength)
    }

    /// Words a `DecodingError` as the field that is wrong and what it should be.
    private static func describe(_ error: DecodingError) -> String {
        func field(_ path: [any CodingKey]) -> String {
            guard let first = path.first else { return "the top level" }
            var name = "\"\(first.stringValue)\""
            for key in path.dropFirst() {
                name += key.intValue.map { "[\($0)]" } ?? ".\(key.stringValue)"
            }
            return "field " + name
        }
        func expected(_ path: [any CodingKey]) -> String {
            switch path.first.flatMap({ CodingKeys(stringValue: $0.stringValue) }) {
            case nil: "a JSON object"
            case .sequence, .count: "an integer"
            case .previous: "a string or null"
            case .references: path.count > 1 ? "a string" : "an array of strings"
            default: "a string"
            }
        }
        switch error {
        case .keyNotFound(let key, _):
            return "manifest.json lacks the field \"\(key.stringValue)\""
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "manifest.json \(field(context.codingPath)) must be \(expected(context.codingPath))"
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return "manifest.json is not valid JSON" }
            return "manifest.json \(field(context.codingPath)) must be \(expected(context.codingPath))"
        @unknown default:
            return "manifest.json cannot be decoded"
        }
    }
}
