import Foundation
import KioskBatch

/// Applications read one at a time, so a batch of 100,000 never sits in memory.
public protocol ApplicationCursor {
    mutating func next() throws -> BatchRecord?
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
