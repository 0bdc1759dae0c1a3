import Foundation
import KioskSupport
import Testing

@testable import KioskBatch

@Suite("manifest.json")
struct BatchManifestTests {
    static let digestA = String(repeating: "a1", count: 32)
    static let digestB = String(repeating: "b2", count: 32)
    static let digestC = String(repeating: "c3", count: 32)
    static let references = [
        SampleBatch.referenceNumber(center: "DEMO01", year: 2026, serial: 1),
        SampleBatch.referenceNumber(center: "DEMO01", year: 2026, serial: 2),
    ]

    static func manifest(previous: String? = nil, sequence: Int = 1) -> BatchManifest {
        BatchManifest(
            center: "DEMO01", keyFingerprint: digestA, sequence: sequence, previous: previous,
            createdAt: "2026-11-27T21:45:00Z", count: 2, recordsSHA256: digestB, references: references,
            sealingKeyFingerprint: nil)
    }

    @Test("encoded bytes are sorted, compact, previous null, one trailing newline")
    func canonicalBytes() {
        // Given a first batch's manifest, When encoded
        let text = String(decoding: Self.manifest().encoded(), as: UTF8.self)
        // Then it is exactly the canonical form
        let expected =
            #"{"center":"DEMO01","count":2,"created_at":"2026-11-27T21:45:00Z","format":"kiosk-batch/1","#
            + #""key_fingerprint":"\#(Self.digestA)","previous":null,"records_sha256":"\#(Self.digestB)","#
            + #""references":["\#(Self.references[0])","\#(Self.references[1])"],"sequence":1}"# + "\n"
        #expect(text == expected)
    }

    @Test("encoded bytes equal JSONEncoder with sorted keys and unescaped slashes, plus a newline")
    func matchesJSONEncoder() throws {
        // Given manifests with and without previous
        for manifest in [Self.manifest(), Self.manifest(previous: Self.digestC, sequence: 2)] {
            // When encoded by hand and by JSONEncoder through Codable
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let viaCodable = try encoder.encode(manifest)
            // Then the bytes agree (so the hand-made form is ordinary canonical JSON)
            #expect(manifest.encoded() == [UInt8](viaCodable) + [UInt8(ascii: "\n")])
        }
    }

    @Test("decode reads back what encoded wrote", arguments: [nil, digestC])
    func roundTrip(previous: String?) throws {
        // Given an encoded manifest
        let manifest = Self.manifest(previous: previous, sequence: previous == nil ? 1 : 2)
        // When decoded
        let decoded = try BatchManifest.decode(manifest.encoded())
        // Then it is equal, format included
        #expect(decoded == manifest)
        #expect(decoded.format == BatchManifest.plainFormat)
    }

    @Test("the audit witness is signed with the rest: first in key order, read back, both fields or neither")
    func auditWitness() throws {
        var manifest = Self.manifest()
        manifest.audit = AuditWitness(length: 42, head: Self.digestC)
        let bytes = manifest.encoded()
        #expect(
            String(decoding: bytes, as: UTF8.self).hasPrefix(
                #"{"audit_head":"\#(Self.digestC)","audit_length":42,"center""#))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        #expect(bytes == [UInt8](try encoder.encode(manifest)) + [UInt8(ascii: "\n")])
        #expect(try BatchManifest.decode(bytes) == manifest)

        let text = String(decoding: bytes, as: UTF8.self)
        for broken in [
            text.replacingOccurrences(of: #""audit_length":42,"#, with: ""),
            text.replacingOccurrences(of: #""audit_head":"\#(Self.digestC)","#, with: ""),
            text.replacingOccurrences(of: #""audit_length":42"#, with: #""audit_length":0"#),
            text.replacingOccurrences(of: Self.digestC, with: "not-a-hash"),
        ] {
            #expect(throws: BatchError.self, "\(broken.prefix(90))") { try BatchManifest.decode(Array(broken.utf8)) }
        }
    }

    /// Manifest texts that must be refused, each with why.
    static let refused: [(String, String)] = {
        let good = String(decoding: manifest().encoded(), as: UTF8.self)
        func replacing(_ old: String, _ new: String) -> String {
            precondition(good.contains(old))
            return good.replacingOccurrences(of: old, with: new)
        }
        return [
            ("unknown key", replacing(#"{"center""#, #"{"extra":1,"center""#)),
            ("sequence as a string", replacing(#""sequence":1"#, #""sequence":"1""#)),
            ("sequence as a fraction", replacing(#""sequence":1"#, #""sequence":1.0"#)),
            ("sequence too large for Int", replacing(#""sequence":1"#, #""sequence":99999999999999999999999"#)),
            ("count as boolean", replacing(#""count":2"#, #""count":true"#)),
            ("references not strings", replacing(#""references":[""#, #""references":[1,""#)),
            ("wrong format", replacing("kiosk-batch/1", "kiosk-batch/9")),
            ("sequence 0", replacing(#""sequence":1"#, #""sequence":0"#)),
            ("negative sequence", replacing(#""sequence":1"#, #""sequence":-1"#)),
            ("count differs from references", replacing(#""count":2"#, #""count":3"#)),
            ("upper-case digest", replacing(digestB, digestB.uppercased())),
            ("short digest", replacing(digestB, "b2b2")),
            ("non-hex fingerprint", replacing(digestA, String(repeating: "zz", count: 32))),
            ("non-hex previous", replacing(#""previous":null"#, #""previous":"xyz""#)),
            ("previous missing", replacing(#""previous":null,"#, "")),
            ("previous as number", replacing(#""previous":null"#, #""previous":0"#)),
            ("center with lower case", replacing(#""center":"DEMO01""#, #""center":"demo01""#)),
            ("center with a path", replacing(#""center":"DEMO01""#, #""center":"../DEMO01""#)),
            ("created_at with offset", replacing("21:45:00Z", "21:45:00+02:00")),
            ("created_at impossible date", replacing("2026-11-27", "2026-02-30")),
            ("reference malformed", replacing(references[0], "DEMO01-2026-000001-?")),
            ("reference twice", replacing(references[1], references[0])),
            ("no trailing newline", String(good.dropLast())),
            ("two trailing newlines", good + "\n"),
            ("pretty printed", replacing(#"{"center""#, "{\n  \"center\"")),
            ("escaped slash", replacing("kiosk-batch/1", #"kiosk-batch\/1"#)),
            ("duplicate key", replacing(#""sequence":1}"#, #""sequence":1,"sequence":1}"#)),
            ("unsorted keys", replacing(#"{"center":"DEMO01","count":2,"#, #"{"count":2,"center":"DEMO01","#)),
            ("top-level array", "[]\n"),
            ("not JSON", "kiosk\n"),
            ("empty", ""),
            ("non-ASCII center", good.replacingOccurrences(of: "DEMO01", with: "DEMO\u{FFFD}")),
        ]
    }()

    @Test("strict decoding refuses", arguments: refused)
    func refuses(reason: String, text: String) {
        // Given a manifest with one defect, When decoded
        // Then it is refused as a malformed manifest with a message that names the problem
        let error = batchError { _ = try BatchManifest.decode(Array(text.utf8)) }
        #expect(error?.code == .malformedManifest, "\(reason): \(String(describing: error))")
        #expect(error?.message.contains("manifest.json") == true, "\(reason): \(String(describing: error))")
    }

    @Test("bytes that are not UTF-8 are refused")
    func invalidUTF8() {
        // Given a canonical manifest with one byte replaced by 0xFF
        var bytes = Self.manifest().encoded()
        bytes[bytes.firstIndex(of: UInt8(ascii: "D"))!] = 0xFF
        // When decoded, Then it is refused
        #expect(throws: BatchError.self) { try BatchManifest.decode(bytes) }
    }

    @Test("messages say exactly what is wrong")
    func messages() {
        // Given manifests with known defects, When decoded, Then the message names the field and values
        func message(_ text: String) -> String {
            batchError { _ = try BatchManifest.decode(Array(text.utf8)) }?.message ?? "accepted"
        }
        let good = String(decoding: Self.manifest().encoded(), as: UTF8.self)
        #expect(
            message(good.replacingOccurrences(of: #""count":2"#, with: #""count":3"#))
                == "manifest.json: count is 3 but references lists 2 reference numbers")
        #expect(
            message(good.replacingOccurrences(of: #"{"center""#, with: #"{"zz":1,"center""#))
                == #"manifest.json has an unknown field "zz""#)
        #expect(
            message(good.replacingOccurrences(of: #""sequence":1"#, with: #""sequence":"1""#))
                == #"manifest.json field "sequence" must be an integer"#)
        #expect(
            message(good.replacingOccurrences(of: #""previous":null,"#, with: ""))
                == #"manifest.json lacks the field "previous""#)
    }

    @Test("validate refuses what decode would refuse, before anything is signed")
    func validate() {
        // Given a manifest whose count disagrees with its references
        var manifest = Self.manifest()
        manifest.count = 5
        // When validated, Then it is refused
        #expect(
            throws: BatchError(.malformedManifest, "manifest.json: count is 5 but references lists 2 reference numbers")
        ) {
            try manifest.validate()
        }
    }

    @Test("file names carry the center and an 8-digit sequence")
    func fileName() {
        #expect(BatchManifest.fileName(center: "DEMO01", sequence: 42) == "DEMO01-00000042.tar")
        #expect(BatchManifest.fileName(center: "LT02", sequence: 12_345_678) == "LT02-12345678.tar")
    }

    @Test("timestamps are UTC, whole seconds, with Z")
    func rfc3339() {
        // Given instants with and without a fraction of a second
        let instant = Date(timeIntervalSince1970: 1_795_815_900)
        // When formatted, Then the fraction is dropped and the zone is Z
        #expect(BatchManifest.rfc3339(instant) == "2026-11-27T21:45:00Z")
        #expect(BatchManifest.rfc3339(instant.addingTimeInterval(0.999)) == "2026-11-27T21:45:00Z")
        #expect(BatchManifest.rfc3339(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00Z")
        #expect(BatchManifest.rfc3339(.distantFuture) == "4001-01-01T00:00:00Z")
        #expect(BatchManifest.rfc3339(Date(timeIntervalSince1970: 1e300)) == "9999-12-31T23:59:59Z")
        #expect(RFC3339.parse("2026-11-27T21:45:00Z") == instant)
        #expect(RFC3339.parse("2024-02-29T00:00:00Z") != nil)
        #expect(RFC3339.parse("2026-02-29T00:00:00Z") == nil)
        #expect(RFC3339.parse("2026-11-27T21:45:00.5Z") == nil)
        #expect(RFC3339.parse("2026-11-27 21:45:00Z") == nil)
    }
}
