import Foundation
import KioskCrypto
import KioskSeal

@testable import KioskBatch

/// Builds real batches for the tests with the production API (records, manifest, signature,
/// `TarWriter`), exactly the way the kiosk seals one.
struct SampleBatch {
    static let modificationTime = 1_795_815_900  // 2026-11-27T21:45:00Z

    let center: String
    let sequence: Int
    let previous: String?
    let records: [BatchRecord]
    let manifest: BatchManifest
    let manifestBytes: [UInt8]
    let recordsBytes: [UInt8]
    let signature: [UInt8]

    /// A batch of `count` records for `center`, signed by `key`; sealed to `sealedTo` (format 2)
    /// or, without it, in clear (format 1).
    init(
        key: Ed25519PrivateKey, center: String = "DEMO01", sequence: Int = 1, previous: String? = nil,
        count: Int = 3, firstSerial: Int = 1, sealedTo: X25519PublicKey? = nil
    ) throws {
        let records = (0..<count).map { Self.record(center: center, serial: firstSerial + $0) }
        try self.init(
            key: key, center: center, sequence: sequence, previous: previous, records: records, sealedTo: sealedTo)
    }

    /// A batch holding exactly `records`, signed by `key`, sealed to `sealedTo` if given.
    init(
        key: Ed25519PrivateKey, center: String, sequence: Int, previous: String?, records: [BatchRecord],
        sealedTo: X25519PublicKey? = nil
    ) throws {
        self.center = center
        self.sequence = sequence
        self.previous = previous
        self.records = records
        var bytes: [UInt8] = []
        for record in records { record.appendJSONLine(to: &bytes) }
        if let sealedTo {
            var sealer = try RecordSealer(recipient: sealedTo, center: center, sequence: sequence)
            var sealed: [UInt8] = []
            try sealer.append(bytes) { sealed += $0 }
            try sealer.finish { sealed += $0 }
            bytes = sealed
        }
        recordsBytes = bytes
        manifest = BatchManifest(
            center: center, keyFingerprint: key.publicKey.fingerprint, sequence: sequence, previous: previous,
            createdAt: "2026-11-27T21:45:00Z", count: records.count, recordsSHA256: SHA256.hash(bytes).hex,
            references: records.map(\.reference), sealingKeyFingerprint: sealedTo?.fingerprint)
        manifestBytes = manifest.encoded()
        signature = try key.signature(for: manifestBytes)
    }

    /// The archive bytes, as `TarWriter` writes them.
    func archive() throws -> [UInt8] {
        try Self.archive(entries: [
            (BatchEntry.manifest, manifestBytes), (manifest.recordsEntry, recordsBytes),
            (BatchEntry.signature, signature),
        ])
    }

    /// Writes the archive to `path` with `TarWriter` streaming the records line by line.
    func write(to path: String) throws {
        try Self.withFile(path) { fd in
            var writer = TarWriter(fileDescriptor: fd)
            try writer.addFile(name: BatchEntry.manifest, bytes: manifestBytes, modificationTime: Self.modificationTime)
            try writer.addFile(
                name: manifest.recordsEntry, size: recordsBytes.count, modificationTime: Self.modificationTime
            ) { sink in
                if manifest.isSealed {
                    try sink.write(recordsBytes)
                } else {
                    for record in records { try sink.write(record.jsonLine()) }
                }
            }
            try writer.addFile(name: BatchEntry.signature, bytes: signature, modificationTime: Self.modificationTime)
            try writer.finish()
        }
    }

    /// A tar archive of `entries` (name, contents), written by `TarWriter` into memory.
    static func archive(entries: [(String, [UInt8])]) throws -> [UInt8] {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kiosk-batch-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try withFile(folder.path) { fd in
            var writer = TarWriter(fileDescriptor: fd)
            for (name, bytes) in entries {
                try writer.addFile(name: name, bytes: bytes, modificationTime: modificationTime)
            }
            try writer.finish()
        }
        return [UInt8](try Data(contentsOf: folder))
    }

    /// Opens `path` for writing (created or truncated), runs `body` with the descriptor, closes it.
    static func withFile(_ path: String, _ body: (Int32) throws -> Void) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        defer { close(fd) }
        try body(fd)
    }

    /// A record with a valid reference number and hostile-looking (but harmless) answers.
    static func record(center: String, serial: Int) -> BatchRecord {
        BatchRecord(
            reference: referenceNumber(center: center, year: 2026, serial: serial), formID: "ua-contract",
            formVersion: 3, formSHA256: String(repeating: "ab", count: 32), consentVersion: "2026-01",
            language: "uk", submittedAt: "2026-11-27T21:4\(serial % 10):00Z",
            answersJSON: #"{"family_name":"Шевченко \"Тарас\"","notes":"a/b\\c","serial":\#(serial)}"#)
    }

    /// A reference number with its Luhn mod 36 check character, as `KioskCore.ReferenceNumber` makes it.
    static func referenceNumber(center: String, year: Int, serial: Int) -> String {
        let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        let serialText = String(serial)
        let body = "\(center)-\(year)-\(String(repeating: "0", count: max(0, 6 - serialText.count)))\(serialText)"
        var factor = 2
        var sum = 0
        for character in body.reversed() where character != "-" {
            var addend = factor * alphabet.firstIndex(of: character)!
            factor = factor == 2 ? 1 : 2
            addend = addend / alphabet.count + addend % alphabet.count
            sum += addend
        }
        return "\(body)-\(alphabet[(alphabet.count - sum % alphabet.count) % alphabet.count])"
    }
}
