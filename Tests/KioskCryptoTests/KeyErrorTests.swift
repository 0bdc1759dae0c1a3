import Foundation
import KioskCrypto
import Testing

@Suite("Key parsing errors")
struct KeyErrorTests {
    @Test(
        "garbage is not a private key PEM",
        arguments: [
            "",
            "not a pem at all",
            "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
            "-----BEGIN PRIVATE KEY-----\n!!!not base64!!!\n-----END PRIVATE KEY-----\n",
            "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMRESc\n",
        ])
    func garbagePrivatePEM(pem: String) throws {
        let error = try #require(throws: CryptoError.self) { try Ed25519PrivateKey(pemRepresentation: pem) }
        #expect(error.operation == "PEM_read_bio_PrivateKey")
        #expect(error.reason.contains("(error:"), "OpenSSL's reason should be included: \(error)")
    }

    @Test(
        "garbage is not a public key PEM",
        arguments: [
            "",
            "not a pem at all",
            "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
        ])
    func garbagePublicPEM(pem: String) throws {
        let error = try #require(throws: CryptoError.self) { try Ed25519PublicKey(pemRepresentation: pem) }
        #expect(error.operation == "PEM_read_bio_PUBKEY")
        #expect(error.reason.contains("(error:"), "OpenSSL's reason should be included: \(error)")
    }

    @Test(
        "text without a key block says which PEM block was expected",
        arguments: ["", "hello", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"])
    func missingBlockReason(text: String) throws {
        let privateError = try #require(throws: CryptoError.self) { try Ed25519PrivateKey(pemRepresentation: text) }
        #expect(privateError.reason.hasPrefix("no private key PEM block found"), "\(privateError)")
        let publicError = try #require(throws: CryptoError.self) { try Ed25519PublicKey(pemRepresentation: text) }
        #expect(publicError.reason.hasPrefix("no \"-----BEGIN PUBLIC KEY-----\" PEM block found"), "\(publicError)")
    }

    @Test("a damaged key block carries OpenSSL's reason")
    func damagedBlockReason() throws {
        let pem = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"
        let error = try #require(throws: CryptoError.self) { try Ed25519PrivateKey(pemRepresentation: pem) }
        #expect(error.reason.hasPrefix("not a readable PEM private key (error:"), "\(error)")
    }

    @Test("a public key PEM is not a private key, and a private key PEM is not a public key")
    func wrongKind() throws {
        let key = try Ed25519PrivateKey.generate()
        #expect(throws: CryptoError.self) { try Ed25519PrivateKey(pemRepresentation: key.publicKey.pemRepresentation) }
        #expect(throws: CryptoError.self) { try Ed25519PublicKey(pemRepresentation: try key.pemRepresentation) }
    }

    @Test("raw private keys of the wrong length are refused", arguments: [0, 1, 31, 33, 64])
    func wrongPrivateLength(length: Int) throws {
        let error = try #require(throws: CryptoError.self) {
            try Ed25519PrivateKey(rawRepresentation: [UInt8](repeating: 7, count: length))
        }
        #expect(error.reason.contains("32 bytes, got \(length)"), "\(error)")
    }

    @Test("raw public keys of the wrong length are refused", arguments: [0, 1, 31, 33, 44])
    func wrongPublicLength(length: Int) throws {
        let error = try #require(throws: CryptoError.self) {
            try Ed25519PublicKey(rawRepresentation: [UInt8](repeating: 7, count: length))
        }
        #expect(error.reason.contains("32 bytes, got \(length)"), "\(error)")
    }

    /// Keys of other algorithms that `openssl genpkey` makes, and the name OpenSSL gives them.
    static let foreignAlgorithms: [(arguments: [String], name: String)] = [
        (["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"], "EC"),
        (["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"], "RSA"),
        // Same 32-byte size as Ed25519, but a key-agreement key: must not be mistaken for one.
        (["-algorithm", "X25519"], "X25519"),
    ]

    @Test(
        "private keys of other algorithms are refused with a clear reason",
        .enabled(if: OpenSSLWorkspace.isAvailable), arguments: foreignAlgorithms)
    func foreignPrivateKey(arguments: [String], name: String) throws {
        // Given a key of another algorithm made by openssl
        let workspace = try OpenSSLWorkspace()
        try workspace.opensslSucceeding(["genpkey"] + arguments + ["-out", "k.pem"])
        // When it is loaded as an Ed25519 private key
        let error = try #require(throws: CryptoError.self) {
            try Ed25519PrivateKey(pemRepresentation: try workspace.readText("k.pem"))
        }
        // Then the error says what was expected and what was found
        #expect(error.reason == "expected an Ed25519 private key, got \(name)", "\(error)")
    }

    @Test(
        "public keys of other algorithms are refused with a clear reason",
        .enabled(if: OpenSSLWorkspace.isAvailable), arguments: foreignAlgorithms)
    func foreignPublicKey(arguments: [String], name: String) throws {
        let workspace = try OpenSSLWorkspace()
        try workspace.opensslSucceeding(["genpkey"] + arguments + ["-out", "k.pem"])
        try workspace.opensslSucceeding(["pkey", "-in", "k.pem", "-pubout", "-out", "pub.pem"])
        let error = try #require(throws: CryptoError.self) {
            try Ed25519PublicKey(pemRepresentation: try workspace.readText("pub.pem"))
        }
        #expect(error.reason == "expected an Ed25519 key, got \(name)", "\(error)")
    }

    @Test(
        "an encrypted private key is refused without prompting for a passphrase",
        .enabled(if: OpenSSLWorkspace.isAvailable), .timeLimit(.minutes(1)))
    func encryptedPrivateKey() throws {
        // Given a passphrase-protected PKCS#8 Ed25519 key
        let workspace = try OpenSSLWorkspace()
        try workspace.opensslSucceeding(
            ["genpkey", "-algorithm", "ed25519", "-aes-256-cbc", "-pass", "pass:secret", "-out", "k.pem"])
        let pem = try workspace.readText("k.pem")
        #expect(pem.hasPrefix("-----BEGIN ENCRYPTED PRIVATE KEY-----"))
        // When loaded, Then it fails at once (no terminal prompt) with OpenSSL's reason
        let error = try #require(throws: CryptoError.self) { try Ed25519PrivateKey(pemRepresentation: pem) }
        #expect(error.operation == "PEM_read_bio_PrivateKey")
        #expect(error.reason.hasPrefix("encrypted private keys are not supported"), "\(error)")
    }
}
