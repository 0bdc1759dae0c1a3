import Foundation
import KioskCrypto
import KioskTestSupport
import Testing

/// Headquarters' sealing keys are ordinary OpenSSL X25519 keys: the `openssl` CLI reads what the
/// wrapper writes, the wrapper reads what `openssl genpkey` writes, and both compute one fingerprint.
@Suite("X25519 keys and the openssl CLI")
struct X25519OpenSSLTests {
    @Test func opensslReadsOurKeysAndComputesTheSameFingerprint() throws {
        let folder = try TemporaryFolder(prefix: "x25519")
        let key = try X25519PrivateKey.generate()
        let privatePath = try folder.file("opening.key.pem", key.pemRepresentation).path
        let publicPath = try folder.file("sealing.pub.pem", key.publicKey.pemRepresentation).path
        let derived = try ProcessRunner.check("openssl", ["pkey", "-in", privatePath, "-pubout"])
        #expect(derived + "\n" == key.publicKey.pemRepresentation)
        let der = try ProcessRunner.run(
            ProcessRunner.tool("openssl"), ["pkey", "-pubin", "-in", publicPath, "-outform", "DER"])
        #expect(SHA256.hash([UInt8](der.stdout)).hex == key.publicKey.fingerprint)
        #expect(Array(der.stdout) == key.publicKey.derRepresentation)
        let text = try ProcessRunner.check("openssl", ["pkey", "-in", privatePath, "-noout", "-text"])
        #expect(text.contains("X25519 Private-Key"))
    }

    @Test func ourWrapperReadsAKeyMadeByOpensslGenpkey() throws {
        let folder = try TemporaryFolder(prefix: "x25519")
        let path = folder.path("made.pem")
        _ = try ProcessRunner.check("openssl", ["genpkey", "-algorithm", "X25519", "-out", path])
        let key = try X25519PrivateKey(pemRepresentation: String(contentsOfFile: path, encoding: .utf8))
        let publicPEM = try ProcessRunner.check("openssl", ["pkey", "-in", path, "-pubout"])
        #expect(try X25519PublicKey(pemRepresentation: publicPEM) == key.publicKey)
    }

    @Test func anEd25519KeyIsNotASealingKey() throws {
        let signing = try Ed25519PrivateKey.generate()
        #expect(throws: CryptoError.self) { try X25519PrivateKey(pemRepresentation: signing.pemRepresentation) }
        #expect(throws: CryptoError.self) {
            try X25519PublicKey(pemRepresentation: signing.publicKey.pemRepresentation)
        }
    }
}
