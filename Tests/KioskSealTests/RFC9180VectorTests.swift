import Crypto
import Foundation
import KioskCrypto
import KioskSeal
import Testing

/// RFC 9180, Appendix A.2.1: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, ChaCha20-Poly1305, base mode.
/// The vectors (the CFRG's test-vectors.json entry for this suite) are in rfc9180-a.2.1.json.
@Suite("RFC 9180 test vectors for the sealing suite")
struct RFC9180VectorTests {
    struct Encryption: Decodable {
        let aad: String
        let ct: String
        let pt: String
    }

    struct Vector: Decodable {
        let mode: Int
        let kem_id: Int
        let kdf_id: Int
        let aead_id: Int
        let info: String
        let skRm: String
        let pkRm: String
        let enc: String
        let encryptions: [Encryption]
    }

    static func vector() throws -> Vector {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "rfc9180-a.2.1.json")
        return try JSONDecoder().decode(Vector.self, from: Data(contentsOf: url))
    }

    static func bytes(_ hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            out.append(UInt8(hex[index..<next], radix: 16)!)
            index = next
        }
        return out
    }

    @Test func theVectorIsForTheSuiteTheBatchesUse() throws {
        let vector = try Self.vector()
        #expect((vector.mode, vector.kem_id, vector.kdf_id, vector.aead_id) == (0, 0x20, 1, 3))
        #expect(SealedRecords.ciphersuite.kem == .Curve25519_HKDF_SHA256)
        #expect(SealedRecords.ciphersuite.kdf == .HKDF_SHA256)
        #expect(SealedRecords.ciphersuite.aead == .chaChaPoly)
    }

    /// The recipient's key pair through the OpenSSL wrapper: skRm gives pkRm.
    @Test func theOpeningKeyDerivesTheVectorsPublicKey() throws {
        let vector = try Self.vector()
        let key = try X25519PrivateKey(rawRepresentation: Self.bytes(vector.skRm))
        #expect(key.publicKey.rawRepresentation == Self.bytes(vector.pkRm))
        // And back through PEM, as headquarters stores it.
        let reread = try X25519PrivateKey(pemRepresentation: key.pemRepresentation)
        #expect(reread.rawRepresentation == Self.bytes(vector.skRm))
    }

    /// All 257 encryptions open in order with the suite and the key as the opener builds them.
    @Test func everyEncryptionOfTheVectorOpensInOrder() throws {
        let vector = try Self.vector()
        #expect(vector.encryptions.count == 257)
        let key = try X25519PrivateKey(rawRepresentation: Self.bytes(vector.skRm))
        var recipient = try HPKE.Recipient(
            privateKey: Curve25519.KeyAgreement.PrivateKey(rawRepresentation: key.rawRepresentation),
            ciphersuite: SealedRecords.ciphersuite, info: Data(Self.bytes(vector.info)),
            encapsulatedKey: Data(Self.bytes(vector.enc)))
        for (index, encryption) in vector.encryptions.enumerated() {
            let opened = try recipient.open(Self.bytes(encryption.ct), authenticating: Self.bytes(encryption.aad))
            #expect([UInt8](opened) == Self.bytes(encryption.pt), "encryption \(index)")
        }
    }

    /// A changed ciphertext of the vector does not open.
    @Test func aChangedCiphertextOfTheVectorDoesNotOpen() throws {
        let vector = try Self.vector()
        let key = try X25519PrivateKey(rawRepresentation: Self.bytes(vector.skRm))
        var recipient = try HPKE.Recipient(
            privateKey: Curve25519.KeyAgreement.PrivateKey(rawRepresentation: key.rawRepresentation),
            ciphersuite: SealedRecords.ciphersuite, info: Data(Self.bytes(vector.info)),
            encapsulatedKey: Data(Self.bytes(vector.enc)))
        var changed = Self.bytes(vector.encryptions[0].ct)
        changed[3] ^= 1
        #expect(throws: (any Error).self) {
            try recipient.open(changed, authenticating: Self.bytes(vector.encryptions[0].aad))
        }
    }
}
