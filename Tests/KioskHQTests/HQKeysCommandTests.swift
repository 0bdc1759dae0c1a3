import Foundation
import KioskCrypto
import KioskHQ
import KioskTestSupport
import Testing

/// The built `kiosk-hq` executable: `keys init` and `keys show` with the sealing key pair,
/// `serve` without the opening key, and `export --opening-key`, checked with stock tools.
@Suite("kiosk-hq keys, serve and export (built executable)")
struct HQKeysCommandTests {
    static let executable = Products.executable(named: "kiosk-hq")

    let root: TemporaryFolder
    let folder: HQFolder

    init() throws {
        root = try TemporaryFolder(prefix: "kiosk-hq-keys")
        folder = HQFolder(url: root.file("hq-data"))
    }

    @discardableResult
    func hq(_ arguments: [String], status expected: Int32? = 0) throws -> ProcessRunner.Result {
        let result = try ProcessRunner.run(
            Self.executable, arguments + ["--data-dir", folder.url.path],
            environment: ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "KIOSK_HQ_LOG_LEVEL": "warning"])
        if let expected {
            #expect(result.status == expected, "kiosk-hq \(arguments): \(result.stderr)")
        }
        return result
    }

    /// `openssl pkey -pubin -outform DER | sha256sum` of a public key PEM file.
    static func opensslFingerprint(_ pem: URL) throws -> String {
        let der = try ProcessRunner.run(
            try ProcessRunner.tool("openssl"), ["pkey", "-pubin", "-in", pem.path, "-outform", "DER"])
        try #require(der.status == 0, "openssl: \(der.stderr)")
        let sum = try ProcessRunner.run(try ProcessRunner.tool("sha256sum"), [], input: der.stdout)
        return String(sum.stdoutText.prefix(64))
    }

    @Test func keysInitOnAFolderWithOnlyTheReceiptKeyAddsTheSealingPairAndTouchesNothingElse() throws {
        // Given a folder made before sealed records: only the receipt key
        try folder.createReceiptKey()
        let receiptBefore = try Data(contentsOf: folder.receiptPrivateKeyURL)
        let receiptPublicBefore = try Data(contentsOf: folder.receiptPublicKeyURL)

        // When keys init runs on it
        let output = try hq(["keys", "init"]).stdoutText

        // Then it created the sealing pair and says so; the receipt key's bytes are unchanged
        #expect(output.contains("created \(folder.openingPrivateKeyURL.path)"))
        #expect(output.contains("created \(folder.sealingPublicKeyURL.path)"))
        #expect(output.contains("kept \(folder.receiptPrivateKeyURL.path)"))
        #expect(try Data(contentsOf: folder.receiptPrivateKeyURL) == receiptBefore)
        #expect(try Data(contentsOf: folder.receiptPublicKeyURL) == receiptPublicBefore)
        let mode =
            try FileManager.default.attributesOfItem(atPath: folder.openingPrivateKeyURL.path)[
                .posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)
        let opening = try X25519PrivateKey(
            pemRepresentation: String(contentsOf: folder.openingPrivateKeyURL, encoding: .utf8))
        let sealing = try X25519PublicKey(
            pemRepresentation: String(contentsOf: folder.sealingPublicKeyURL, encoding: .utf8))
        #expect(opening.publicKey == sealing)
        // The stock tool reads the opening key as X25519
        let text = try ProcessRunner.check(
            "openssl", ["pkey", "-in", folder.openingPrivateKeyURL.path, "-noout", "-text"])
        #expect(text.contains("X25519"))

        // And once the opening key is moved away, keys init again creates nothing
        let sealingBefore = try Data(contentsOf: folder.sealingPublicKeyURL)
        try FileManager.default.moveItem(at: folder.openingPrivateKeyURL, to: root.file("opening.key.pem"))
        let again = try hq(["keys", "init"]).stdoutText
        #expect(again.contains("nothing to create"))
        #expect(!FileManager.default.fileExists(atPath: folder.openingPrivateKeyURL.path))
        #expect(try Data(contentsOf: folder.sealingPublicKeyURL) == sealingBefore)
        #expect(try Data(contentsOf: folder.receiptPrivateKeyURL) == receiptBefore)
    }

    @Test func keysShowLabelsBothKeysWithTheFingerprintsOpenSSLComputes() throws {
        try hq(["keys", "init"])
        let shown = try hq(["keys", "show"]).stdoutText

        let receipt = try Self.opensslFingerprint(folder.receiptPublicKeyURL)
        let sealing = try Self.opensslFingerprint(folder.sealingPublicKeyURL)
        #expect(shown.contains("receipt key fingerprint: \(receipt)\n"))
        #expect(shown.contains("sealing key fingerprint: \(sealing)\n"))
        #expect(receipt != sealing)
        #expect(shown.contains(try String(contentsOf: folder.sealingPublicKeyURL, encoding: .utf8)))
        #expect(shown.contains(try String(contentsOf: folder.receiptPublicKeyURL, encoding: .utf8)))
        #expect(shown.contains("opening key: \(folder.openingPrivateKeyURL.path) is in this folder"))

        // When the opening key was moved off the server, and a retired sealing key is kept
        try FileManager.default.moveItem(at: folder.openingPrivateKeyURL, to: root.file("opening.key.pem"))
        let retired = folder.keysURL.appendingPathComponent("sealing-2026.pub.pem")
        try Data(TestBatch.otherOpeningKey.publicKey.pemRepresentation.utf8).write(to: retired)
        let later = try hq(["keys", "show"]).stdoutText
        #expect(later.contains("opening key: not in this folder"))
        #expect(later.contains("retired sealing key fingerprint: \(try Self.opensslFingerprint(retired))"))
    }

    @Test func serveWorksWithoutTheOpeningKeyAndExportOpensWhatItStored() throws {
        // Given headquarters whose opening key was moved to another machine, and a registered center
        try hq(["keys", "init"])
        let opening = root.file("export-machine/opening.key.pem")
        try FileManager.default.createDirectory(
            at: opening.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.moveItem(at: folder.openingPrivateKeyURL, to: opening)
        let centerKey = try Ed25519PrivateKey.generate()
        let centerPEM = try root.file("center.pub.pem", centerKey.publicKey.pemRepresentation)
        try hq(["centers", "add", "DEMO01", "--key", centerPEM.path])
        let sealing = try X25519PublicKey(
            pemRepresentation: String(contentsOf: folder.sealingPublicKeyURL, encoding: .utf8))

        // When the real server runs and a batch sealed to its sealing key is PUT with curl
        let server = try PipeProcess(
            executable: Self.executable,
            arguments: ["serve", "--listen", "127.0.0.1:0", "--data-dir", folder.url.path],
            environment: ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "KIOSK_HQ_LOG_LEVEL": "warning"])
        defer {
            server.kill(signal: SIGTERM)
            _ = try? server.waitForExit(timeout: .seconds(20))
        }
        let line = try server.expect("\n", timeout: .seconds(60))
        let port = try #require(
            line.split(separator: ":").last.flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) })
        let batch = try TestBatch(
            key: centerKey, sequence: 1, previous: nil,
            answers: [#"{"surname":"Канарейченко","unit":"u1"}"#, #"{"surname":"Косач","unit":"u2"}"#],
            sealedTo: sealing)
        let tar = root.file("batch.tar")
        try Data(try batch.archive()).write(to: tar)
        let status = try ProcessRunner.check(
            "curl",
            [
                "--silent", "--noproxy", "*", "--max-time", "30", "--output", root.path("receipt"), "--write-out",
                "%{http_code}", "--request", "PUT", "--header", "Content-Type: application/x-tar", "--data-binary",
                "@\(tar.path)", "http://127.0.0.1:\(port)/v1/centers/DEMO01/batches/1",
            ])

        // Then 201, and the opening key is still not in the folder
        #expect(status == "201")
        #expect(!FileManager.default.fileExists(atPath: folder.openingPrivateKeyURL.path))

        // And export with the moved opening key writes both records to a complete file
        let output = root.file("applications.jsonl")
        let exported = try hq(["export", "--opening-key", opening.path, "--output", output.path])
        #expect(exported.stderr.contains("exported 2 applications from 1 batch"))
        let lines = try String(contentsOf: output, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2 && lines[0].contains("Канарейченко"))

        // And with another key it fails naming both fingerprints, leaving no file claiming to be complete
        let wrong = try root.file("wrong.key.pem", TestBatch.otherOpeningKey.pemRepresentation)
        let refused = root.file("refused.csv")
        let failed = try hq(
            ["export", "--opening-key", wrong.path, "--format", "csv", "--output", refused.path], status: nil)
        #expect(failed.status != 0)
        #expect(failed.stderr.contains(sealing.fingerprint))
        #expect(failed.stderr.contains(TestBatch.otherOpeningKey.publicKey.fingerprint))
        #expect(!FileManager.default.fileExists(atPath: refused.path))
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: root.url.path).allSatisfy { !$0.hasSuffix(".partial") })

        // And without --opening-key it says what to give
        let missing = try hq(["export"], status: nil)
        #expect(missing.status != 0 && missing.stderr.contains("--opening-key"))
    }
}
