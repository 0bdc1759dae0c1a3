import Foundation

/// One application as one line of `records.jsonl`.
///
/// The line is assembled by hand, not with `JSONEncoder`, because a batch may hold 100,000
/// applications and the answers are already canonical JSON text from the database: they are
/// embedded verbatim instead of being parsed and re-encoded.
public struct BatchRecord: Sendable {
    /// The application's reference number, e.g. `DEMO01-2026-000042-K`.
    public let reference: String
    /// The form definition's id.
    public let formID: String
    /// The form definition's version.
    public let formVersion: Int
    /// Hex SHA-256 of the form definition the applicant saw.
    public let formSHA256: String
    /// The version of the consent text the applicant accepted.
    public let consentVersion: String
    /// The interface language code, e.g. `en`.
    public let language: String
    /// When the application was submitted, as `BatchManifest.rfc3339(_:)` writes it.
    public let submittedAt: String
    /// The answers: one JSON object as canonical text, embedded as is.
    public let answersJSON: String
    /// The unit catalog version the applicant was offered units from; 0 for the kiosk's own units.json.
    public let catalogVersion: Int

    /// Makes a record; `answersJSON` must be one JSON value (normally an object) in compact form.
    public init(
        reference: String, formID: String, formVersion: Int, formSHA256: String, consentVersion: String,
        language: String, submittedAt: String, answersJSON: String, catalogVersion: Int = 0
    ) {
        self.catalogVersion = catalogVersion
        self.reference = reference
        self.formID = formID
        self.formVersion = formVersion
        self.formSHA256 = formSHA256
        self.consentVersion = consentVersion
        self.language = language
        self.submittedAt = submittedAt
        self.answersJSON = answersJSON
    }

    /// The record as one JSON object with sorted keys, terminated by "\n".
    ///
    /// Built with `String` appends, which are fast even in debug builds; a raw line break inside
    /// `answersJSON` can only be whitespace between JSON tokens (inside a JSON string it must be
    /// escaped), so CR and LF there are written as spaces: the value is the same and the record
    /// stays on one line whatever the database returned.
    public func jsonLine() -> String {
        var line = ""
        line.reserveCapacity(answersJSON.utf8.count + 320)
        line += #"{"answers":"#
        if Self.containsLineBreak(answersJSON) {
            line += String(
                decoding: answersJSON.utf8.map { Self.isLineBreak($0) ? UInt8(ascii: " ") : $0 }, as: UTF8.self)
        } else {
            line += answersJSON
        }
        line += #","catalog_version":"#
        line += String(catalogVersion)
        line += #","consent_version":"#
        JSONString.appendLiteral(consentVersion, to: &line)
        line += #","form_id":"#
        JSONString.appendLiteral(formID, to: &line)
        line += #","form_sha256":"#
        JSONString.appendLiteral(formSHA256, to: &line)
        line += #","form_version":"#
        line += String(formVersion)
        line += #","language":"#
        JSONString.appendLiteral(language, to: &line)
        line += #","reference":"#
        JSONString.appendLiteral(reference, to: &line)
        line += #","submitted_at":"#
        JSONString.appendLiteral(submittedAt, to: &line)
        line += "}\n"
        return line
    }

    /// Appends the UTF-8 bytes of `jsonLine()` to `bytes`, for callers that hash or buffer bytes.
    public func appendJSONLine(to bytes: inout [UInt8]) {
        var line = jsonLine()
        line.withUTF8 { bytes.append(contentsOf: $0) }
    }

    /// Whether `text` holds a CR or LF byte, found with `memchr` (fast in debug builds too).
    private static func containsLineBreak(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { buffer in
            guard let base = buffer.baseAddress else { return false }
            return memchr(base, Int32(UInt8(ascii: "\n")), buffer.count) != nil
                || memchr(base, Int32(UInt8(ascii: "\r")), buffer.count) != nil
        }
    }

    @inline(__always)
    private static func isLineBreak(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")
    }
}
