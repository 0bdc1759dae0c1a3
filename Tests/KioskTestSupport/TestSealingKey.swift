import Foundation

/// A headquarters sealing key pair made with the `openssl` CLI (`genpkey -algorithm X25519`), in
/// a folder of its own (never inside a kiosk's data folder), and the independent opener of
/// `Tests/Conformance/open_sealed_batch.py` (pyhpke) to read what the kiosk sealed to it.
package final class TestSealingKey: Sendable {
    package let folder: TemporaryFolder
    /// `sealing.pub.pem`, what a kiosk's `hq_sealing_key` names.
    package let publicKeyPath: String
    /// `opening.key.pem`, what only headquarters holds.
    package let openingKeyPath: String

    package init() throws {
        folder = try TemporaryFolder(prefix: "hq-sealing")
        openingKeyPath = folder.path("opening.key.pem")
        publicKeyPath = folder.path("sealing.pub.pem")
        _ = try ProcessRunner.check("openssl", ["genpkey", "-algorithm", "X25519", "-out", openingKeyPath])
        _ = try ProcessRunner.check("openssl", ["pkey", "-in", openingKeyPath, "-pubout", "-out", publicKeyPath])
    }

    /// `openssl pkey -pubin -outform DER | sha256sum` of the public key: what a manifest names.
    package var fingerprint: String {
        get throws {
            let der = try ProcessRunner.run(
                ProcessRunner.tool("openssl"), ["pkey", "-pubin", "-in", publicKeyPath, "-outform", "DER"])
            let digest = try ProcessRunner.run(ProcessRunner.tool("sha256sum"), [], input: der.stdout)
            return String(digest.stdoutText.prefix(64))
        }
    }

    /// The record lines of the batch at `path`, opened by pyhpke with the opening key.
    package func openWithPyHPKE(_ path: String) throws -> [String] {
        try Conformance.output("open_sealed_batch.py", [path, openingKeyPath]).split(separator: "\n").map(String.init)
    }
}
