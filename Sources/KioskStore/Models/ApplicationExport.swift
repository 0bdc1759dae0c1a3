import Foundation

/// What a batch carries of one application: its identity, its form, and its answers.
public struct ApplicationExport: Sendable, Hashable {
    public let reference: String
    public let formID: String
    public let formVersion: Int
    public let formSHA256: String
    public let consentVersion: String
    public let language: String
    /// When it was stored, UTC, RFC 3339 to the second (formatted by SQLite while reading).
    public let submittedAt: String
    /// The answers exactly as stored: canonical JSON (sorted keys).
    public let answersJSON: String
}

/// Applications read one at a time, so a batch of 100,000 never sits in memory.
public protocol ApplicationCursor {
    mutating func next() throws -> ApplicationExport?
}

/// A sealed manifest, as the sealer returns it to be recorded with the batch.
public struct SealedManifest: Sendable {
    public let manifest: [UInt8]
    public let signature: [UInt8]
    public let manifestSHA256: String
    public let count: Int
    /// Length in bytes of the records file, needed up front for its tar header.
    public let recordsSize: Int

    public init(manifest: [UInt8], signature: [UInt8], manifestSHA256: String, count: Int, recordsSize: Int) {
        self.manifest = manifest
        self.signature = signature
        self.manifestSHA256 = manifestSHA256
        self.count = count
        self.recordsSize = recordsSize
    }
}

/// A batch as recorded in the database.
public struct BatchRecordRow: Sendable, Hashable {
    public let sequence: Int
    public let createdAt: Date
    public let manifestSHA256: String
    public let count: Int
    public let recordsSize: Int
    public let manifest: [UInt8]
    public let signature: [UInt8]
    public let deliveredAt: Date?
}
