import Testing

@testable import KioskCrypto

@Suite("Password hashes (scrypt, PHC-style encoding)")
struct PasswordHashTests {
    /// RFC 7914's third vector written as a stored hash: the encoding and the verification
    /// agree with the RFC (and with Python's hashlib.scrypt and base64, which produced it).
    static let rfcVector =
        "scrypt$ln=14$r=8$p=1$U29kaXVtQ2hsb3JpZGU$"
        + "cCO9yzr9c0hGHAbNgf046/2o+7qQT44+qbVD9lRdofLVQylVYT8Pz2LUlwUkKpr55h6F3A1lHkDfzwF7RVdYhw"

    /// A low cost for tests; production uses `.standard` (N = 2^17).
    static let cheap = PasswordHash.Parameters(logN: 4, r: 8, p: 1)

    @Test func theRFC7914VectorVerifies() throws {
        // Given the RFC's derived key stored in the encoding
        let hash = try #require(PasswordHash(encoded: Self.rfcVector))

        // Then the RFC's password verifies, another does not, and the encoding round-trips
        #expect(hash.parameters == PasswordHash.Parameters(logN: 14, r: 8, p: 1))
        #expect(try hash.verify(Array("pleaseletmein".utf8)))
        #expect(try !hash.verify(Array("pleaseletmeim".utf8)))
        #expect(hash.encoded == Self.rfcVector)
    }

    @Test func theStandardCostIsN2To17R8P1() {
        #expect(PasswordHash.Parameters.standard == PasswordHash.Parameters(logN: 17, r: 8, p: 1))
    }

    @Test func aNewHashRecordsItsParametersAndARandomSalt() throws {
        // Given the same password hashed twice
        let password = Array("correct horse battery".utf8)
        let first = try PasswordHash.create(password: password, parameters: Self.cheap)
        let second = try PasswordHash.create(password: password, parameters: Self.cheap)

        // Then each has its own 16-byte salt and a 32-byte key, and both verify
        #expect(first.encoded.hasPrefix("scrypt$ln=4$r=8$p=1$"))
        #expect(first.salt.count == 16 && first.key.count == 32)
        #expect(first.salt != second.salt && first.key != second.key)
        #expect(try first.verify(password) && second.verify(password))
        #expect(try !first.verify(Array("correct horse batterz".utf8)))
        // And it reads back from its encoding, and prints no secret
        #expect(PasswordHash(encoded: first.encoded) == first)
        #expect(first.description == "scrypt(ln=4, r=8, p=1)")
    }

    @Test func theStandardCostHashesAndVerifies() throws {
        // One real-cost round (about 128 MiB, a few tenths of a second), so production's parameters are exercised
        let hash = try PasswordHash.create(password: Array("a long passphrase".utf8))
        #expect(hash.encoded.hasPrefix("scrypt$ln=17$r=8$p=1$"))
        #expect(try hash.verify(Array("a long passphrase".utf8)))
    }

    @Test func weakerHashesAreRecognisedForRenewal() throws {
        let hash = try PasswordHash.create(password: Array("x".utf8), parameters: Self.cheap)
        #expect(hash.isWeaker(than: .standard))
        #expect(!hash.isWeaker(than: Self.cheap))
    }

    @Test func anUnmatchableHashMatchesNothing() throws {
        let decoy = try PasswordHash.unmatchable(parameters: Self.cheap)
        #expect(try !decoy.verify([]))
        #expect(try !decoy.verify(Array("password123".utf8)))
        #expect(decoy.salt.count == 16 && decoy.key.count == 32)
    }

    @Test(
        "malformed encodings are refused",
        arguments: [
            "", "scrypt", "bcrypt$ln=14$r=8$p=1$U29kaXVtQ2hsb3JpZGU$cCO9yzr9c0hGHAbNgf046w",
            "scrypt$ln=14$r=8$p=1$U29kaXVtQ2hsb3JpZGU=$cCO9yzr9c0hGHAbNgf046w",  // padding
            "scrypt$ln=014$r=8$p=1$U29kaXVtQ2hsb3JpZGU$cCO9yzr9c0hGHAbNgf046w",  // leading zero
            "scrypt$ln=31$r=8$p=1$U29kaXVtQ2hsb3JpZGU$cCO9yzr9c0hGHAbNgf046w",  // absurd cost
            "scrypt$ln=14$r=0$p=1$U29kaXVtQ2hsb3JpZGU$cCO9yzr9c0hGHAbNgf046w",
            "scrypt$ln=14$p=1$r=8$U29kaXVtQ2hsb3JpZGU$cCO9yzr9c0hGHAbNgf046w",  // order
            "scrypt$ln=14$r=8$p=1$U29k$cCO9yzr9c0hGHAbNgf046w",  // salt too short
            "scrypt$ln=14$r=8$p=1$U29kaXVtQ2hsb3JpZGU$cCO9",  // key too short
            "scrypt$ln=14$r=8$p=1$U29kaXVtQ2hsb3JpZGU$cCO9yzr9c0hGHAbNgf046x",  // non-zero trailing bits
            "scrypt$ln=14$r=8$p=1$U29kaXVtQ2hsb3JpZGU$cCO9yzr9c0hGHAbNgf04 6w",
            "scrypt$ln=14$r=8$p=1$U29kaXVtQ2hsb3JpZGU$cCO9yzr9c0hGHAbNgf046w$",
        ])
    func malformed(encoded: String) {
        #expect(PasswordHash(encoded: encoded) == nil)
    }

    @Test func base64MatchesRFC4648WithoutPadding() throws {
        #expect(UnpaddedBase64.encode([0x00, 0x01, 0x02, 0xFD, 0xFE, 0xFF]) == "AAEC/f7/")
        #expect(UnpaddedBase64.encode(Array("ab".utf8)) == "YWI")
        #expect(UnpaddedBase64.encode(Array("a".utf8)) == "YQ")
        #expect(UnpaddedBase64.encode([]) == "")
        #expect(UnpaddedBase64.decode("YWI") == Array("ab".utf8))
        #expect(UnpaddedBase64.decode("YQ") == Array("a".utf8))
        #expect(UnpaddedBase64.decode("Y") == nil)
        for length in 0..<40 {
            let bytes = try SecureRandom.bytes(count: length)
            #expect(UnpaddedBase64.decode(UnpaddedBase64.encode(bytes)) == bytes)
        }
    }

    @Test func constantTimeEqualityCompares() {
        #expect(ConstantTime.equals([1, 2, 3], [1, 2, 3]))
        #expect(!ConstantTime.equals([1, 2, 3], [1, 2, 4]))
        #expect(!ConstantTime.equals([1, 2, 3], [1, 2]))
        #expect(ConstantTime.equals([], []))
    }
}
