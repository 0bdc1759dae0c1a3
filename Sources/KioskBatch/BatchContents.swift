import KioskCrypto

/// What `BatchReader` found in a batch archive, not yet trusted: `BatchVerifier` decides that.
///
/// Keeps the manifest and signature bytes as read (they are small) but only the digest, count
/// and references of the records, which may be gigabytes.
public struct BatchContents: Sendable {
    /// The exact bytes of `manifest.json`, as signed.
    public let manifestBytes: [UInt8]
    /// `manifestBytes` decoded (strictly; it is in canonical form).
    public let manifest: BatchManifest
    /// The bytes of `manifest.sig`.
    public let signature: [UInt8]
    /// Hex SHA-256 of the records entry's bytes as read (`records.sealed` or `records.jsonl`).
    public let recordsSHA256: String
    /// Whether the record lines were read: always for records in clear, for sealed records only
    /// when they were opened. When false, `recordCount` is 0 and `recordReferences` empty, and
    /// the verifier trusts the signed manifest's count and references (it checks the digest).
    public let recordsSeen: Bool
    /// The number of record lines read.
    public let recordCount: Int
    /// Each record's `reference`, in file order.
    public let recordReferences: [String]
    /// Hex SHA-256 of `manifestBytes`: what the next batch's `previous` must be.
    public let manifestSHA256: String

    /// Makes contents from parts kept elsewhere (for example a previous batch's manifest stored in
    /// a database, to check a chain); the manifest is decoded strictly and its digest computed.
    public init(
        manifestBytes: [UInt8], signature: [UInt8], recordsSHA256: String, recordCount: Int,
        recordReferences: [String], recordsSeen: Bool = true
    ) throws(BatchError) {
        self.init(
            manifestBytes: manifestBytes, manifest: try BatchManifest.decode(manifestBytes), signature: signature,
            recordsSHA256: recordsSHA256, recordCount: recordCount, recordReferences: recordReferences,
            recordsSeen: recordsSeen)
    }

    /// Makes contents from a manifest that was already decoded from `manifestBytes`.
    init(
        manifestBytes: [UInt8], manifest: BatchManifest, signature: [UInt8], recordsSHA256: String, recordCount: Int,
        recordReferences: [String], recordsSeen: Bool
    ) {
        self.recordsSeen = recordsSeen
        self.manifestBytes = manifestBytes
        self.manifest = manifest
        self.signature = signature
        self.recordsSHA256 = recordsSHA256
        self.recordCount = recordCount
        self.recordReferences = recordReferences
        manifestSHA256 = SHA256.hash(manifestBytes).hex
    }
}
