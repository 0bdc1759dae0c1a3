import Foundation
import KioskCrypto
import KioskSeal
import Testing

@testable import KioskBatch

/// Headquarters must be able to check a batch with nothing but tar, openssl and sha256sum, without
/// opening its sealed records.
@Suite("Verification with stock tools", .enabled(if: Workspace.hasStockTools))
struct StockToolTests {
    let workspace: Workspace
    let key: Ed25519PrivateKey
    let batch: SampleBatch

    init() throws {
        workspace = try Workspace()
        key = try Ed25519PrivateKey.generate()
        batch = try SampleBatch(key: key, count: 5, sealedTo: X25519PrivateKey.generate().publicKey)
        try batch.write(to: workspace.path("DEMO01-00000001.tar"))
        try workspace.write("center.pub.pem", Array(key.publicKey.pemRepresentation.utf8))
    }

    /// `openssl pkeyutl -verify` of `manifest.json` against `manifest.sig` in `folder`.
    func opensslVerify(in folder: String, publicKey: String = "../center.pub.pem") throws -> Workspace.Result {
        try workspace.run(
            Workspace.openssl,
            [
                "pkeyutl", "-verify", "-pubin", "-inkey", publicKey, "-rawin", "-in", "manifest.json", "-sigfile",
                "manifest.sig",
            ],
            in: folder)
    }

    /// The digest `sha256sum` prints for `file`.
    func sha256sum(_ file: String) throws -> String {
        let result = try workspace.run(Workspace.sha256sum, [file])
        #expect(result.status == 0, "\(result.stderr)")
        return String(result.stdout.prefix(64))
    }

    /// Extracts the batch into `folder` with GNU tar.
    func extract(into folder: String) throws {
        let result = try workspace.run(Workspace.tar, ["-xf", "../DEMO01-00000001.tar"], in: folder)
        #expect(result.status == 0, "\(result.stderr)")
    }

    /// Re-packs `folder`'s three files as a batch with TarWriter and reads it back.
    func repackAndRead(_ folder: String) throws -> BatchContents {
        let archive = try SampleBatch.archive(
            entries: try BatchEntry.all.map { ($0, try workspace.read("\(folder)/\($0)")) })
        try workspace.write("\(folder).tar", archive)
        return try BatchReader.read(path: workspace.path("\(folder).tar"))
    }

    @Test("tar lists exactly the three entries, openssl verifies, sha256sum matches")
    func intactBatch() throws {
        // Given a batch, When it is listed with tar
        let list = try workspace.run(Workspace.tar, ["-tvf", "DEMO01-00000001.tar"])
        #expect(list.status == 0, "\(list.stderr)")
        #expect(list.stderr.isEmpty, "\(list.stderr)")
        // Then it holds exactly the three files, in order, as plain files
        let lines = list.stdout.split(separator: "\n")
        #expect(lines.compactMap { $0.split(separator: " ").last.map(String.init) } == BatchEntry.all)
        #expect(lines.allSatisfy { $0.hasPrefix("-rw-r--r--") })

        // When extracted, Then the files are byte for byte what was sealed
        try extract(into: "x")
        #expect(try workspace.read("x/manifest.json") == batch.manifestBytes)
        #expect(try workspace.read("x/records.sealed") == batch.recordsBytes)
        #expect(try workspace.read("x/manifest.sig") == batch.signature)

        // And openssl verifies the signature with the center's public key
        let verify = try opensslVerify(in: "x")
        #expect(verify.status == 0, "\(verify.stderr)")
        #expect(verify.stdout.contains("Signature Verified Successfully"))

        // And sha256sum of records.sealed equals records_sha256
        #expect(try sha256sum("x/records.sealed") == batch.manifest.recordsSHA256)
    }

    @Test("one changed byte in records.sealed: sha256sum disagrees and the verifier says digestMismatch")
    func changedRecord() throws {
        // Given an extracted batch with one byte of the sealed records changed
        try extract(into: "x")
        var records = try workspace.read("x/records.sealed")
        records[records.count / 2] ^= 0x01
        try workspace.write("x/records.sealed", records)

        // When checked with sha256sum, Then the digest no longer matches the manifest
        #expect(try sha256sum("x/records.sealed") != batch.manifest.recordsSHA256)
        // And the signature over the untouched manifest still verifies with openssl
        #expect(try opensslVerify(in: "x").status == 0)

        // When re-packed and verified here, Then it is a digest mismatch
        let contents = try repackAndRead("x")
        let error = batchError { try BatchVerifier.verify(contents, key: key.publicKey, previous: nil) }
        #expect(error?.code == .digestMismatch)
        #expect(error?.message.contains(batch.manifest.recordsSHA256) == true)
    }

    @Test("one changed byte in manifest.json: openssl refuses and the verifier says badSignature")
    func changedManifest() throws {
        // Given an extracted batch whose manifest's year of creation is changed (still a valid manifest)
        try extract(into: "x")
        let text = String(decoding: try workspace.read("x/manifest.json"), as: UTF8.self)
        let tampered = text.replacingOccurrences(of: "\"created_at\":\"2026", with: "\"created_at\":\"2025")
        #expect(tampered != text)
        try workspace.write("x/manifest.json", Array(tampered.utf8))

        // When openssl verifies, Then it fails
        let verify = try opensslVerify(in: "x")
        #expect(verify.status != 0)
        #expect(!verify.stdout.contains("Signature Verified Successfully"))

        // When re-packed and verified here, Then it is a bad signature
        let contents = try repackAndRead("x")
        #expect(throws: BatchError(.badSignature, "manifest.sig does not verify with key \(key.publicKey.fingerprint)"))
        {
            try BatchVerifier.verify(contents, key: key.publicKey, previous: nil)
        }
    }

    @Test("another center's key: openssl refuses and the verifier refuses")
    func wrongKey() throws {
        // Given the intact batch and some other center's public key
        let other = try Ed25519PrivateKey.generate()
        try workspace.write("other.pub.pem", Array(other.publicKey.pemRepresentation.utf8))
        try extract(into: "x")

        // When openssl verifies with the other key, Then it fails
        #expect(try opensslVerify(in: "x", publicKey: "../other.pub.pem").status != 0)

        // When verified here with the other key, Then it is refused as the wrong key
        let contents = try BatchReader.read(path: workspace.path("DEMO01-00000001.tar"))
        let error = batchError { try BatchVerifier.verify(contents, key: other.publicKey, previous: nil) }
        #expect(error?.code == .wrongKey)
        #expect(error?.message.contains(other.publicKey.fingerprint) == true)
    }

    @Test("a manifest claiming the other key but signed by ours is refused too")
    func forgedFingerprint() throws {
        // Given a batch whose manifest names another key but is signed (validly) with ours
        let other = try Ed25519PrivateKey.generate()
        var manifest = batch.manifest
        manifest.keyFingerprint = other.publicKey.fingerprint
        let bytes = manifest.encoded()
        let contents = try BatchContents(
            manifestBytes: bytes, signature: try key.signature(for: bytes),
            recordsSHA256: manifest.recordsSHA256, recordCount: manifest.count, recordReferences: manifest.references)
        // When verified with the other key, Then the signature does not verify
        #expect(
            throws: BatchError(.badSignature, "manifest.sig does not verify with key \(other.publicKey.fingerprint)")
        ) {
            try BatchVerifier.verify(contents, key: other.publicKey, previous: nil)
        }
    }
}
