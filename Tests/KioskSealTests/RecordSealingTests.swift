import Foundation
import KioskCrypto
import KioskSeal
import KioskTestSupport
import Testing

/// Sealing and opening records.sealed: round trips at the chunk boundaries, fed in odd pieces,
/// and every way the bytes can be wrong.
@Suite("RecordSealer and RecordOpener")
struct RecordSealingTests {
    static let key = try! X25519PrivateKey.generate()

    static func plaintext(_ count: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
    }

    static func seal(
        _ plaintext: [UInt8], to key: X25519PublicKey = key.publicKey, center: String = "DEMO01", sequence: Int = 7,
        piece: Int = 1000
    ) throws -> [UInt8] {
        var sealer = try RecordSealer(recipient: key, center: center, sequence: sequence)
        var out: [UInt8] = []
        var start = 0
        while start < plaintext.count {
            let end = min(plaintext.count, start + piece)
            try sealer.append(Array(plaintext[start..<end])) { out += $0 }
            start = end
        }
        try sealer.finish { out += $0 }
        return out
    }

    static func open(
        _ sealed: [UInt8], with key: X25519PrivateKey = key, center: String = "DEMO01", sequence: Int = 7,
        piece: Int = 777
    ) throws -> [UInt8] {
        var opener = try RecordOpener(key: key, center: center, sequence: sequence)
        var out: [UInt8] = []
        var start = 0
        while start < sealed.count {
            let end = min(sealed.count, start + piece)
            try opener.consume(Array(sealed[start..<end])) { out += $0 }
            start = end
        }
        try opener.finish()
        return out
    }

    static func code(_ body: () throws -> Void) -> SealError.Code? {
        do {
            try body()
            return nil
        } catch let error as SealError {
            return error.code
        } catch {
            return nil
        }
    }

    @Test(arguments: [0, 1, 65_535, 65_536, 65_537, 2 * 65_536, 200_001])
    func roundTripsAndHasTheDocumentedSize(count: Int) throws {
        let plaintext = Self.plaintext(count)
        let sealed = try Self.seal(plaintext, piece: 4099)
        #expect(sealed.count == SealedRecords.sealedSize(plaintextBytes: count))
        #expect(try Self.open(sealed) == plaintext)
        #expect(try Self.open(sealed, piece: sealed.count) == plaintext)
        #expect(try Self.open(sealed, piece: 1) == plaintext)
    }

    @Test func theSameRecordsSealTwiceToDifferentBytes() throws {
        let plaintext = Self.plaintext(5000)
        #expect(try Self.seal(plaintext) != Self.seal(plaintext))
    }

    @Test func noChunkHoldsMoreThan64KiBOfPlaintext() throws {
        let sealed = try Self.seal(Self.plaintext(300_000), piece: 300_000)
        var offset = SealedRecords.encapsulatedKeyBytes
        var lengths: [Int] = []
        while offset < sealed.count {
            let length = sealed[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
            lengths.append(length)
            offset += 4 + length
        }
        #expect(lengths == [65_552, 65_552, 65_552, 65_552, 300_000 - 4 * 65_536 + 16])
    }

    @Test func anotherKeyCenterOrSequenceIsTheWrongKey() throws {
        let sealed = try Self.seal(Self.plaintext(100_000))
        let other = try X25519PrivateKey.generate()
        #expect(Self.code { _ = try Self.open(sealed, with: other) } == .wrongKey)
        #expect(Self.code { _ = try Self.open(sealed, center: "KYIV01") } == .wrongKey)
        #expect(Self.code { _ = try Self.open(sealed, sequence: 8) } == .wrongKey)
    }

    @Test func aChangedByteInALaterChunkIsDamageAndNothingOfItIsHandedOut() throws {
        var sealed = try Self.seal(Self.plaintext(150_000))
        let secondChunk = SealedRecords.encapsulatedKeyBytes + 4 + 65_552
        sealed[secondChunk + 100] ^= 0x40
        var opener = try RecordOpener(key: Self.key, center: "DEMO01", sequence: 7)
        var handedOut = 0
        #expect(Self.code { try opener.consume(sealed) { handedOut += $0.count } } == .damaged)
        #expect(handedOut == 65_536)
    }

    @Test func aBodyCutAfterAWholeChunkIsTruncated() throws {
        let sealed = try Self.seal(Self.plaintext(150_000))
        let afterFirst = SealedRecords.encapsulatedKeyBytes + 4 + 65_552
        #expect(Self.code { _ = try Self.open(Array(sealed[..<afterFirst])) } == .truncated)
        #expect(Self.code { _ = try Self.open(Array(sealed[..<(afterFirst + 10)])) } == .truncated)
        #expect(Self.code { _ = try Self.open(Array(sealed[..<10])) } == .truncated)
    }

    @Test func swappedChunksOrBytesAfterTheLastChunkAreDamage() throws {
        let sealed = try Self.seal(Self.plaintext(3 * 65_536 + 5))
        let header = SealedRecords.encapsulatedKeyBytes
        let chunk = 4 + 65_552
        var swapped = Array(sealed[..<(header + chunk)])
        swapped += sealed[(header + 2 * chunk)..<(header + 3 * chunk)]
        swapped += sealed[(header + chunk)..<(header + 2 * chunk)]
        swapped += sealed[(header + 3 * chunk)...]
        #expect(Self.code { _ = try Self.open(swapped) } == .damaged)
        let extra = sealed + Array(sealed[(header + chunk)..<(header + 2 * chunk)])
        #expect(Self.code { _ = try Self.open(extra) } == .damaged)
        // The first chunk moved elsewhere: whatever stands first no longer opens.
        var firstMoved = Array(sealed[..<header])
        firstMoved += sealed[(header + chunk)..<(header + 2 * chunk)]
        firstMoved += sealed[header..<(header + chunk)]
        firstMoved += sealed[(header + 2 * chunk)...]
        #expect(Self.code { _ = try Self.open(firstMoved) } == .wrongKey)
    }

    @Test func anAbsurdChunkLengthIsRefusedBeforeAnythingIsBuffered() throws {
        var sealed = try Self.seal(Self.plaintext(10))
        sealed[SealedRecords.encapsulatedKeyBytes] = 0x7f
        #expect(Self.code { _ = try Self.open(sealed) } == .damaged)
    }

    @Test func infoBindsFormatCenterAndSequence() {
        #expect(SealedRecords.info(center: "DEMO01", sequence: 42) == Array("kiosk-batch/2\u{0}DEMO01\u{0}42".utf8))
    }
}
