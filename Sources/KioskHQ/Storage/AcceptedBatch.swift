import Foundation
import GRDB
import KioskBatch
import KioskReceipt
import KioskSupport

/// A registered center: its code and the public key its batches must be signed with.
public struct CenterRecord: Equatable, Sendable {
    public let code: String
    public let publicKeyPEM: String
    public let keyFingerprint: String
    public let addedAt: Date
}

/// A center as `kiosk-hq centers list` shows it.
public struct CenterSummary: Equatable, Sendable {
    public let code: String
    public let keyFingerprint: String
    /// 0 before the first batch.
    public let lastSequence: Int
    public let lastReceivedAt: String?
    public let records: Int

    /// How long since its last batch was accepted, at `now`; nil before its first batch.
    public func silence(at now: Date) -> TimeInterval? {
        lastReceivedAt.flatMap(RFC3339.parse).map { now.timeIntervalSince($0) }
    }
}

/// A batch headquarters accepted, with the receipt it gave.
public struct AcceptedBatch: Equatable, Sendable {
    public let center: String
    public let sequence: Int
    /// The exact `manifest.json` bytes, kept to check the next batch's chain.
    public let manifest: [UInt8]
    public let signature: [UInt8]
    public let manifestSHA256: String
    public let recordsSHA256: String
    public let recordCount: Int
    /// SHA-256 of the whole tar as received: a resend with these bytes gets the same receipt.
    public let tarSHA256: String
    public let tarSize: Int
    /// The tar's path relative to the data folder.
    public let file: String
    public let receivedAt: String
    public let receipt: SignedReceipt
    /// The kiosk's audit log when it sealed the batch (from the signed manifest), if it said.
    public let audit: AuditWitness?

    init(
        center: String, sequence: Int, manifest: [UInt8], signature: [UInt8], manifestSHA256: String,
        recordsSHA256: String, recordCount: Int, tarSHA256: String, tarSize: Int, file: String, receivedAt: String,
        receipt: SignedReceipt, audit: AuditWitness?
    ) {
        self.audit = audit
        self.center = center
        self.sequence = sequence
        self.manifest = manifest
        self.signature = signature
        self.manifestSHA256 = manifestSHA256
        self.recordsSHA256 = recordsSHA256
        self.recordCount = recordCount
        self.tarSHA256 = tarSHA256
        self.tarSize = tarSize
        self.file = file
        self.receivedAt = receivedAt
        self.receipt = receipt
    }

    init(row: Row) {
        center = row["center"]
        sequence = row["sequence"]
        manifest = [UInt8](row["manifest"] as Data)
        signature = [UInt8](row["signature"] as Data)
        manifestSHA256 = row["manifest_sha256"]
        recordsSHA256 = row["records_sha256"]
        recordCount = row["record_count"]
        tarSHA256 = row["tar_sha256"]
        tarSize = row["tar_size"]
        file = row["file"]
        receivedAt = row["received_at"]
        receipt = SignedReceipt(
            bytes: [UInt8](row["receipt"] as Data), signature: [UInt8](row["receipt_signature"] as Data))
        let length: Int? = row["audit_length"]
        let head: String? = row["audit_head"]
        audit = zip(length, head).map { AuditWitness(length: $0, head: $1) }
    }
}

/// Both optionals, or nil.
private func zip<A, B>(_ a: A?, _ b: B?) -> (A, B)? {
    guard let a, let b else { return nil }
    return (a, b)
}
