import Foundation
import Testing

@testable import KioskBatch

@Suite("records.jsonl lines")
struct BatchRecordTests {
    static let sample = BatchRecord(
        reference: "DEMO01-2026-000042-K", formID: "ua-contract", formVersion: 1,
        formSHA256: String(repeating: "0f", count: 32), consentVersion: "2026-01", language: "en",
        submittedAt: "2026-11-27T21:45:00Z", answersJSON: #"{"a":1,"b":"x/y"}"#, catalogVersion: 3)

    @Test("a line is the sorted-key JSON object, answers embedded verbatim, ending in one newline")
    func exactLine() {
        // Given a record, When it is encoded
        let line = Self.sample.jsonLine()
        // Then the bytes are exactly the documented shape
        let expected =
            #"{"answers":{"a":1,"b":"x/y"},"catalog_version":3,"consent_version":"2026-01","form_id":"ua-contract","#
            + #""form_sha256":""#
            + String(repeating: "0f", count: 32)
            + #"","form_version":1,"language":"en","reference":"DEMO01-2026-000042-K","submitted_at":"2026-11-27T21:45:00Z"}"#
            + "\n"
        #expect(line == expected)
        var bytes: [UInt8] = [1, 2]
        Self.sample.appendJSONLine(to: &bytes)
        #expect(bytes == [1, 2] + Array(expected.utf8))
    }

    @Test("hostile strings in every field survive JSONSerialization", arguments: JSONStringTests.hostile)
    func hostileFields(text: String) throws {
        // Given a record whose string fields all hold a hostile string
        let record = BatchRecord(
            reference: text, formID: text, formVersion: -7, formSHA256: text, consentVersion: text, language: text,
            submittedAt: text, answersJSON: "[" + JSONString.literal(text) + "]")
        // When the line is encoded and parsed by a standard parser
        let line = record.jsonLine()
        #expect(line.hasSuffix("\n"))
        #expect(line.utf8.filter { $0 == UInt8(ascii: "\n") }.count == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        // Then every field comes back unchanged
        for key in ["reference", "form_id", "form_sha256", "consent_version", "language", "submitted_at"] {
            #expect(object[key] as? String == text, "field \(key)")
        }
        #expect(object["form_version"] as? Int == -7)
        #expect(object["answers"] as? [String] == [text])
        #expect(
            object.keys.sorted() == [
                "answers", "catalog_version", "consent_version", "form_id", "form_sha256", "form_version", "language",
                "reference",
                "submitted_at",
            ])
    }

    @Test("line breaks between tokens of the answers become spaces, keeping one record per line")
    func lineBreaksInAnswers() throws {
        // Given answers pretty-printed with CR LF between tokens
        let record = BatchRecord(
            reference: "R", formID: "f", formVersion: 1, formSHA256: "s", consentVersion: "c", language: "en",
            submittedAt: "t", answersJSON: "{\r\n  \"a\": \"x\\ny\"\n}")
        // When encoded
        let line = record.jsonLine()
        // Then the line holds a single newline (its terminator) and the answers keep their value
        #expect(line.utf8.filter { $0 == UInt8(ascii: "\n") }.count == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect((object["answers"] as? [String: String])?["a"] == "x\ny")
    }

    @Test("100,000 records each encode to one line")
    func manyRecords() {
        // Given 100,000 records with realistic answers
        let records = (1...100_000).map { SampleBatch.record(center: "DEMO01", serial: $0) }
        // When every line is encoded
        var total = 0
        var newlines = 0
        for record in records {
            let line = record.jsonLine()
            total += line.utf8.count
            newlines += line.utf8.filter { $0 == UInt8(ascii: "\n") }.count
        }
        // Then each is one line of the expected size (how fast is measured by bench/kiosk_bench.py)
        #expect(total > 100_000 * 200)
        #expect(newlines == 100_000)
    }
}
