import KioskCrypto
import Testing

@Suite("Ed25519 keys")
struct Ed25519KeyTests {
    @Test("a generated key signs and its public key verifies")
    func generateSignVerify() throws {
        // Given a fresh key and a message
        let key = try Ed25519PrivateKey.generate()
        let message = Array("enlistment form 42".utf8)
        // When it signs
        let signature = try key.signature(for: message)
        // Then the signature is 64 bytes, verifies, and signing is deterministic
        #expect(signature.count == 64)
        #expect(key.publicKey.isValidSignature(signature, for: message))
        #expect(try key.signature(for: message) == signature)
    }

    @Test("two generated keys differ, and one's signature fails under the other")
    func keysAreIndependent() throws {
        let first = try Ed25519PrivateKey.generate()
        let second = try Ed25519PrivateKey.generate()
        #expect(first.publicKey != second.publicKey)
        let signature = try first.signature(for: [1, 2, 3])
        #expect(!second.publicKey.isValidSignature(signature, for: [1, 2, 3]))
    }

    @Test("the private key round-trips through PKCS#8 PEM")
    func privatePEMRoundTrip() throws {
        // Given a key and its PEM
        let key = try Ed25519PrivateKey.generate()
        let pem = try key.pemRepresentation
        // When the PEM is loaded again
        let loaded = try Ed25519PrivateKey(pemRepresentation: pem)
        // Then it is the same key: same public key, same (deterministic) signatures, same PEM
        #expect(pem.hasPrefix("-----BEGIN PRIVATE KEY-----\n"))
        #expect(pem.hasSuffix("-----END PRIVATE KEY-----\n"))
        #expect(loaded.publicKey == key.publicKey)
        #expect(try loaded.signature(for: [9]) == key.signature(for: [9]))
        #expect(try loaded.pemRepresentation == pem)
    }

    @Test("the public key round-trips through PEM and raw bytes")
    func publicRoundTrip() throws {
        let publicKey = try Ed25519PrivateKey.generate().publicKey
        let fromPEM = try Ed25519PublicKey(pemRepresentation: publicKey.pemRepresentation)
        let fromRaw = try Ed25519PublicKey(rawRepresentation: publicKey.rawRepresentation)
        #expect(fromPEM == publicKey)
        #expect(fromRaw == publicKey)
        #expect(fromRaw.pemRepresentation == publicKey.pemRepresentation)
        #expect(publicKey.pemRepresentation.hasPrefix("-----BEGIN PUBLIC KEY-----\n"))
    }

    @Test("DER is the 44-byte SubjectPublicKeyInfo and the fingerprint is its SHA-256")
    func derAndFingerprint() throws {
        // Given RFC 8032 TEST 1's public key
        let raw = try bytes(hex: "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
        let publicKey = try Ed25519PublicKey(rawRepresentation: raw)
        // Then the DER is the fixed RFC 8410 prefix followed by the raw key
        let expectedDER = try bytes(hex: "302a300506032b6570032100") + raw
        #expect(publicKey.derRepresentation == expectedDER)
        #expect(publicKey.derRepresentation.count == 44)
        // And the fingerprint is lower-case hex SHA-256 of that DER
        #expect(publicKey.fingerprint == SHA256.hash(expectedDER).hex)
        #expect(publicKey.fingerprint.count == 64)
    }

    @Test("signatures of the wrong length never verify", arguments: [0, 1, 63, 65, 128])
    func wrongLengthSignature(length: Int) throws {
        let key = try Ed25519PrivateKey.generate()
        var signature = try key.signature(for: [1])
        signature = Array((signature + signature + signature).prefix(length))
        #expect(!key.publicKey.isValidSignature(signature, for: [1]))
    }

    @Test("a failed verification leaves no OpenSSL error behind for the next failure")
    func errorQueueIsDrained() throws {
        // Given a failed verification (which makes OpenSSL queue errors)
        let key = try Ed25519PrivateKey.generate()
        #expect(!key.publicKey.isValidSignature([UInt8](repeating: 0, count: 64), for: [1]))
        // When an unrelated call fails next
        let error = try #require(throws: CryptoError.self) { try Ed25519PrivateKey(pemRepresentation: "") }
        // Then its reason is only about itself
        #expect(!error.reason.contains("verif"), "\(error)")
    }

    @Test("one key can sign and verify from many tasks at once")
    func concurrentUse() async throws {
        // Given one shared key (Sendable because its handle is immutable)
        let key = try Ed25519PrivateKey.generate()
        // When 32 tasks sign and verify different messages concurrently
        let results = try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<32 {
                group.addTask {
                    let message = [UInt8](repeating: UInt8(index), count: 100 + index)
                    let signature = try key.signature(for: message)
                    return key.publicKey.isValidSignature(signature, for: message)
                }
            }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        // Then every signature verified
        #expect(results.count == 32)
        #expect(results.allSatisfy { $0 })
    }

    @Test("CryptoError prints operation and reason")
    func errorDescription() {
        let error = CryptoError(operation: "op", reason: "why")
        #expect(error.description == "op: why")
    }
}
