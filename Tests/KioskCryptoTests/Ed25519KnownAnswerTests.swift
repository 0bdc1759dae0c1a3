import KioskCrypto
import KioskSupport
import Testing

/// One Ed25519 test vector from RFC 8032, section 7.1.
struct Ed25519Vector: Sendable, CustomTestStringConvertible {
    let name: String
    let secretKey: String
    let publicKey: String
    let message: String
    let signature: String

    var testDescription: String { name }

    /// TEST 1, TEST 2, TEST 3 and TEST SHA(abc) of RFC 8032 section 7.1.
    static let rfc8032: [Ed25519Vector] = [
        Ed25519Vector(
            name: "TEST 1",
            secretKey: "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
            publicKey: "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
            message: "",
            signature: "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
                + "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"),
        Ed25519Vector(
            name: "TEST 2",
            secretKey: "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
            publicKey: "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
            message: "72",
            signature: "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
                + "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"),
        Ed25519Vector(
            name: "TEST 3",
            secretKey: "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
            publicKey: "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
            message: "af82",
            signature: "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
                + "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"),
        Ed25519Vector(
            name: "TEST SHA(abc)",
            secretKey: "833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42",
            publicKey: "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf",
            // SHA-512("abc")
            message: "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
                + "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
            signature: "dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b589"
                + "09351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704"),
    ]
}

@Suite("Ed25519 known answers (RFC 8032 section 7.1)")
struct Ed25519KnownAnswerTests {
    @Test("the public key derived from the seed matches", arguments: Ed25519Vector.rfc8032)
    func publicKeyFromSeed(vector: Ed25519Vector) throws {
        // Given the RFC's secret key
        let seed = try bytes(hex: vector.secretKey)
        // When the key is built from it
        let key = try Ed25519PrivateKey(rawRepresentation: seed)
        // Then its public key is the RFC's public key
        #expect(Hex.encode(key.publicKey.rawRepresentation) == vector.publicKey)
    }

    @Test("signing gives exactly the RFC signature", arguments: Ed25519Vector.rfc8032)
    func signatureMatches(vector: Ed25519Vector) throws {
        // Given the RFC's key and message
        let key = try Ed25519PrivateKey(rawRepresentation: try bytes(hex: vector.secretKey))
        let message = try bytes(hex: vector.message)
        // When the message is signed
        let signature = try key.signature(for: message)
        // Then the signature is the RFC's, byte for byte
        #expect(signature.count == 64)
        #expect(Hex.encode(signature) == vector.signature)
    }

    @Test("the RFC signature verifies under the RFC public key", arguments: Ed25519Vector.rfc8032)
    func signatureVerifies(vector: Ed25519Vector) throws {
        // Given the public key built from raw bytes alone
        let publicKey = try Ed25519PublicKey(rawRepresentation: try bytes(hex: vector.publicKey))
        // When the RFC's signature is checked
        let valid = publicKey.isValidSignature(try bytes(hex: vector.signature), for: try bytes(hex: vector.message))
        // Then it is valid
        #expect(valid)
    }

    @Test("a flipped bit in the message fails verification", arguments: Ed25519Vector.rfc8032)
    func tamperedMessageFails(vector: Ed25519Vector) throws {
        // Given the RFC public key and signature, and the message with one bit changed
        let publicKey = try Ed25519PublicKey(rawRepresentation: try bytes(hex: vector.publicKey))
        var message = try bytes(hex: vector.message)
        if message.isEmpty {
            message = [0x01]  // TEST 1 signs the empty message: any extra byte is a change
        } else {
            message[message.count / 2] ^= 0x01
        }
        // When / Then verification fails
        #expect(!publicKey.isValidSignature(try bytes(hex: vector.signature), for: message))
    }

    @Test(
        "a flipped bit anywhere in the signature fails verification",
        arguments: Ed25519Vector.rfc8032, [0, 1, 31, 32, 63])
    func tamperedSignatureFails(vector: Ed25519Vector, byteIndex: Int) throws {
        // Given the RFC signature with one bit flipped in byte `byteIndex`
        let publicKey = try Ed25519PublicKey(rawRepresentation: try bytes(hex: vector.publicKey))
        var signature = try bytes(hex: vector.signature)
        signature[byteIndex] ^= 0x80
        // When / Then verification fails
        #expect(!publicKey.isValidSignature(signature, for: try bytes(hex: vector.message)))
    }
}
