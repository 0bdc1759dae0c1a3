import Foundation
import KioskCore

/// An application as stored: its identity, where it stands, and (until purged) its answers.
public struct StoredApplication: Sendable, Hashable, Codable {
    public var id: Int64?
    public var reference: String
    public var center: String
    public var year: Int
    public var serial: Int
    public var formID: String
    public var formVersion: Int
    /// Hex SHA-256 of the form definition file the applicant filled.
    public var formSHA256: String
    public var consentVersion: String
    public var language: String
    public var state: ApplicationState
    /// The answers as JSON; nil once personal data is purged after delivery.
    public var answersJSON: String?
    public var submittedAt: Date
    public var updatedAt: Date
    public var batchSequence: Int?
    public var purgedAt: Date?
    /// The unit catalog version the units were offered from; 0 for the kiosk's own units.json.
    public var catalogVersion: Int = 0

    /// The decoded answers, empty once purged.
    public func answers() throws -> [String: AnswerValue] {
        guard let json = answersJSON else { return [:] }
        return try JSONDecoder().decode([String: AnswerValue].self, from: Data(json.utf8))
    }

    enum CodingKeys: String, CodingKey {
        case id, reference, center, year, serial, language, state
        case formID = "form_id"
        case formVersion = "form_version"
        case formSHA256 = "form_sha256"
        case consentVersion = "consent_version"
        case answersJSON = "answers"
        case submittedAt = "submitted_at"
        case updatedAt = "updated_at"
        case batchSequence = "batch_sequence"
        case purgedAt = "purged_at"
        case catalogVersion = "catalog_version"
    }
}
