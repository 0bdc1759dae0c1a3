import Foundation
import KioskBatch
import KioskCore
import KioskCrypto
import KioskSeal

#if canImport(Glibc)
import Glibc
#endif

/// `kiosk-bench hq-batches`: the simulated fleet of bench/hq_fleet_bench.py.
///
/// For each of `CENTERS` centers (`<PREFIX>0001`, `<PREFIX>0002`, ...) a fresh Ed25519 key
/// (`CODE.pub.pem`, to register with `kiosk-hq centers add`) and `BATCHES` batches of `RECORDS`
/// records each (`CODE-SEQ.tar`, `BatchManifest.fileName`), made the way the kiosk makes them:
/// `kiosk-batch/2`, the records sealed with `RecordSealer` to headquarters' sealing key, the
/// manifest signed by the center key and chained by `previous`. Reference numbers are the
/// center's serials 1, 2, ... in order, with their check character (`ReferenceNumber`).
enum HQBatchesCommand {
    /// `SEALING_PUB_PEM OUT_DIR CENTERS BATCHES RECORDS [PREFIX]`.
    static func run(_ arguments: [String]) throws {
        guard (5...6).contains(arguments.count) else { BenchCommand.usage() }
        let recipient = try X25519PublicKey(
            pemRepresentation: String(contentsOfFile: arguments[0], encoding: .utf8))
        let folder = URL(fileURLWithPath: arguments[1])
        guard let centers = Int(arguments[2]), (1...9999).contains(centers),
            let batches = Int(arguments[3]), batches > 0,
            let records = Int(arguments[4]), records > 0, batches * records <= 999_999
        else {
            BenchCommand.fail("CENTERS must be 1-9999, BATCHES and RECORDS positive, BATCHES*RECORDS <= 999999")
        }
        let prefix = arguments.count == 6 ? arguments[5] : "C"
        guard ReferenceNumber.isValidCenter("\(prefix)0001") else {
            BenchCommand.fail("PREFIX must be 1-8 upper-case letters or digits")
        }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for index in 1...centers {
            let digits = String(index)
            let center = prefix + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
            let key = try Ed25519PrivateKey.generate()
            try Data(key.publicKey.pemRepresentation.utf8).write(
                to: folder.appendingPathComponent("\(center).pub.pem"))
            var previous: String?
            for sequence in 1...batches {
                previous = try writeBatch(
                    center: center, sequence: sequence, previous: previous, firstSerial: (sequence - 1) * records + 1,
                    count: records, key: key, recipient: recipient, folder: folder)
            }
        }
        let total = centers * batches
        print("\(centers) centers, \(total) batches, \(total * records) records in \(folder.path)")
    }

    /// Writes one batch and returns its manifest's SHA-256, the next batch's `previous`.
    static func writeBatch(
        center: String, sequence: Int, previous: String?, firstSerial: Int, count: Int, key: Ed25519PrivateKey,
        recipient: X25519PublicKey, folder: URL
    ) throws -> String {
        var clear: [UInt8] = []
        var references: [String] = []
        for serial in firstSerial..<(firstSerial + count) {
            let reference = ReferenceNumber(center: center, year: 2026, serial: serial).description
            references.append(reference)
            BatchRecord(
                reference: reference, formID: "ua-contract", formVersion: 1,
                formSHA256: String(repeating: "ab", count: 32), consentVersion: "2026-01", language: "uk",
                submittedAt: "2026-12-02T09:00:00Z",
                answersJSON: #"{"family_name":"Шевченко","given_name":"Тарас","serial":\#(serial)}"#
            ).appendJSONLine(to: &clear)
        }
        var sealer = try RecordSealer(recipient: recipient, center: center, sequence: sequence)
        var sealed: [UInt8] = []
        try sealer.append(clear) { sealed += $0 }
        try sealer.finish { sealed += $0 }
        let manifest = BatchManifest(
            center: center, keyFingerprint: key.publicKey.fingerprint, sequence: sequence, previous: previous,
            createdAt: BatchManifest.rfc3339(Date()), count: count, recordsSHA256: SHA256.hash(sealed).hex,
            references: references, sealingKeyFingerprint: recipient.fingerprint)
        let manifestBytes = manifest.encoded()
        let signature = try key.signature(for: manifestBytes)
        let path = folder.appendingPathComponent(BatchManifest.fileName(center: center, sequence: sequence)).path
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { BenchCommand.fail("cannot create \(path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var tar = TarWriter(fileDescriptor: descriptor)
        let time = Int(Date().timeIntervalSince1970)
        try tar.addFile(name: BatchEntry.manifest, bytes: manifestBytes, modificationTime: time)
        try tar.addFile(name: manifest.recordsEntry, bytes: sealed, modificationTime: time)
        try tar.addFile(name: BatchEntry.signature, bytes: signature, modificationTime: time)
        try tar.finish()
        return SHA256.hash(manifestBytes).hex
    }
}
