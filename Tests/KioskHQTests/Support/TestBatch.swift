import Foundation
import KioskBatch
import KioskCrypto
import KioskSeal

#if canImport(Glibc)
import Glibc
#endif

/// Real batches for the tests, built with the production format API (records, `RecordSealer`,
/// manifest, signature, `TarWriter`), the way the kiosk seals them: `kiosk-batch/2`, the records
/// sealed to `TestBatch.openingKey`'s public key, which `HQFixture` installs as headquarters'
/// sealing key.
struct TestBatch {
    /// The tests' opening key; fixed so that every batch and every fixture agree on it.
    static let openingKey = fixedKey(0x51)
    /// Another opening key: a rotated or a stranger's key.
    static let otherOpeningKey = fixedKey(0x52)

    let center: String
    let sequence: Int
    let manifest: BatchManifest
    let manifestBytes: [UInt8]
    let manifestSHA256: String
    let recordsBytes: [UInt8]
    let references: [String]
    let signature: [UInt8]

    /// A batch of `count` records starting at `firstSerial`, chained after `previous`, signed by `key`;
    /// the references are of `referenceCenter` (by default the batch's own center). Sealed to
    /// `sealedTo`, or with the records in clear (`kiosk-batch/1`) when it is nil.
    init(
        key: Ed25519PrivateKey, center: String = "DEMO01", sequence: Int, previous: TestBatch?, count: Int = 3,
        firstSerial: Int? = nil, answerSalt: String = "", referenceCenter: String? = nil, answers: [String]? = nil,
        sealedTo: X25519PublicKey? = TestBatch.openingKey.publicKey, audit: AuditWitness? = nil
    ) throws {
        let first = firstSerial ?? ((sequence - 1) * count + 1)
        let records = (0..<(answers?.count ?? count)).map {
            Self.record(
                center: referenceCenter ?? center, serial: first + $0, salt: answerSalt, answers: answers?[$0])
        }
        var bytes: [UInt8] = []
        for record in records { record.appendJSONLine(to: &bytes) }
        if let sealedTo {
            var sealer = try RecordSealer(recipient: sealedTo, center: center, sequence: sequence)
            var sealed: [UInt8] = []
            try sealer.append(bytes) { sealed += $0 }
            try sealer.finish { sealed += $0 }
            bytes = sealed
        }
        manifest = BatchManifest(
            center: center, keyFingerprint: key.publicKey.fingerprint, sequence: sequence,
            previous: previous?.manifestSHA256, createdAt: "2026-11-27T21:45:00Z", count: records.count,
            recordsSHA256: SHA256.hash(bytes).hex, references: records.map(\.reference),
            sealingKeyFingerprint: sealedTo?.fingerprint, audit: audit)
        self.center = center
        self.sequence = sequence
        manifestBytes = manifest.encoded()
        manifestSHA256 = SHA256.hash(manifestBytes).hex
        recordsBytes = bytes
        references = records.map(\.reference)
        signature = try key.signature(for: manifestBytes)
    }

    /// The tar bytes, as `TarWriter` writes them; `manifest` and `signature` replace the signed ones.
    func archive(records: [UInt8]? = nil, manifest: [UInt8]? = nil, signature: [UInt8]? = nil) throws -> [UInt8] {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hq-test-\(UUID().uuidString).tar")
            .path
        defer { unlink(path) }
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var writer = TarWriter(fileDescriptor: fd)
        try writer.addFile(name: BatchEntry.manifest, bytes: manifest ?? manifestBytes, modificationTime: 1_795_815_900)
        try writer.addFile(
            name: self.manifest.recordsEntry, bytes: records ?? recordsBytes, modificationTime: 1_795_815_900)
        try writer.addFile(
            name: BatchEntry.signature, bytes: signature ?? self.signature, modificationTime: 1_795_815_900)
        try writer.finish()
        close(fd)
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// A record; `answers` (a JSON object) replaces the default answers.
    static func record(center: String, serial: Int, salt: String, answers: String? = nil) -> BatchRecord {
        BatchRecord(
            reference: referenceNumber(center: center, year: 2026, serial: serial), formID: "ua-contract",
            formVersion: 1, formSHA256: String(repeating: "ab", count: 32), consentVersion: "2026-01",
            language: "uk", submittedAt: "2026-11-27T21:40:00Z",
            answersJSON: answers ?? #"{"family_name":"Шевченко","salt":"\#(salt)","serial":\#(serial)}"#)
    }

    /// An X25519 key made of 32 bytes `byte`: the same in every test run.
    static func fixedKey(_ byte: UInt8) -> X25519PrivateKey {
        do {
            return try X25519PrivateKey(rawRepresentation: [UInt8](repeating: byte, count: X25519PrivateKey.byteCount))
        } catch {
            fatalError("a fixed X25519 test key: \(error)")
        }
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
