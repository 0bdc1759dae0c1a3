import KioskCrypto
import KioskSupport
import Testing

/// One scrypt test vector from RFC 7914, section 12.
struct ScryptVector: Sendable, CustomTestStringConvertible {
    let password: String
    let salt: String
    let n: UInt64
    let r: UInt32
    let p: UInt32
    let derivedKey: String

    var testDescription: String { "P=\"\(password)\" S=\"\(salt)\" N=\(n) r=\(r) p=\(p)" }

    /// The first three RFC 7914 vectors. The fourth (N=1048576, r=8) is left out on
    /// purpose: it needs 1 GiB of memory, too much for a unit test on a kiosk-sized machine.
    static let rfc7914: [ScryptVector] = [
        ScryptVector(
            password: "", salt: "", n: 16, r: 1, p: 1,
            derivedKey: "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442"
                + "fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906"),
        ScryptVector(
            password: "password", salt: "NaCl", n: 1024, r: 8, p: 16,
            derivedKey: "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162"
                + "2eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640"),
        ScryptVector(
            password: "pleaseletmein", salt: "SodiumChloride", n: 16384, r: 8, p: 1,
            derivedKey: "7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2"
                + "d5432955613f0fcf62d49705242a9af9e61e85dc0d651e40dfcf017b45575887"),
    ]
}

@Suite("scrypt (RFC 7914)")
struct ScryptTests {
    @Test("derives the RFC 7914 section 12 keys", arguments: ScryptVector.rfc7914)
    func knownAnswer(vector: ScryptVector) throws {
        // Given the RFC's password, salt and costs
        // When 64 bytes are derived
        let key = try Scrypt.derive(
            password: Array(vector.password.utf8), salt: Array(vector.salt.utf8),
            n: vector.n, r: vector.r, p: vector.p, length: 64)
        // Then they are the RFC's bytes
        #expect(Hex.encode(key) == vector.derivedKey)
    }

    @Test("a shorter output is a prefix of the longer one")
    func lengthIsRespected() throws {
        // Given the same inputs, When two lengths are derived
        let long = try Scrypt.derive(
            password: Array("pw".utf8), salt: Array("salt".utf8), n: 16, r: 1, p: 1, length: 64)
        let short = try Scrypt.derive(
            password: Array("pw".utf8), salt: Array("salt".utf8), n: 16, r: 1, p: 1, length: 32)
        // Then the short one is the start of the long one (scrypt ends in PBKDF2)
        #expect(short.count == 32)
        #expect(Array(long.prefix(32)) == short)
    }

    @Test(
        "invalid parameters are refused with a reason",
        arguments: [
            (UInt64(0), UInt32(1), UInt32(1), 32),
            (1, 1, 1, 32),
            (3, 1, 1, 32),
            (1000, 1, 1, 32),
            (16, 0, 1, 32),
            (16, 1, 0, 32),
            (16, 1, 1, 0),
            (16, 1, 1, -1),
        ])
    func invalidParameters(n: UInt64, r: UInt32, p: UInt32, length: Int) throws {
        // Given a bad cost, block size, parallelism or length
        // When deriving, Then a CryptoError explains which one
        let error = try #require(throws: CryptoError.self) {
            try Scrypt.derive(password: [1], salt: [2], n: n, r: r, p: p, length: length)
        }
        #expect(error.operation == "Scrypt.derive")
        #expect(!error.reason.isEmpty)
    }

    @Test("costs above OpenSSL's memory limit fail with OpenSSL's reason instead of allocating")
    func memoryLimit() throws {
        // Given N=2^24, r=8: 16 GiB of scratch memory, far above OpenSSL's ~1 GiB default cap
        // When deriving
        let error = try #require(throws: CryptoError.self) {
            try Scrypt.derive(password: [1], salt: [2], n: 1 << 24, r: 8, p: 1, length: 32)
        }
        // Then OpenSSL's own reason is carried through
        #expect(error.operation == "EVP_KDF_derive")
        #expect(error.reason.contains("memory limit exceeded"), "\(error)")
    }
}
