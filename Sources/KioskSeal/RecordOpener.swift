import Crypto
import Foundation
import KioskBatch
import KioskCrypto

/// Opens `records.sealed` (the `SealedRecords` layout) as its bytes stream past, handing out
/// the plaintext chunk by chunk: memory stays at about one chunk whatever the batch size.
///
/// Nothing is handed out before it authenticated. A wrong key (or a body from another center
/// or sequence) fails on the first chunk with `.wrongKey`; a changed, reordered or cut body
/// fails with `.damaged` or `.truncated`. Call `finish` after the last byte.
public struct RecordOpener: SealedRecordsOpener {
    private let key: Curve25519.KeyAgreement.PrivateKey
    private let info: Data
    private var recipient: HPKE.Recipient?
    private var buffer: [UInt8] = []
    private var chunks = 0
    private var sawLast = false

    /// Prepares to open batch `sequence` of `center` with headquarters' opening key.
    public init(key: X25519PrivateKey, center: String, sequence: Int) throws(SealError) {
        do {
            self.key = try Curve25519.KeyAgreement.PrivateKey(rawRepresentation: key.rawRepresentation)
        } catch {
            throw SealError(.badKey, "the opening key cannot be used for HPKE: \(error)")
        }
        info = Data(SealedRecords.info(center: center, sequence: sequence))
    }

    /// Takes the next sealed bytes and hands each chunk's plaintext, once it opened, to `plaintext`.
    public mutating func consume(_ bytes: [UInt8], plaintext: ([UInt8]) throws -> Void) throws {
        buffer.append(contentsOf: bytes)
        var start = 0
        if recipient == nil {
            guard buffer.count >= SealedRecords.encapsulatedKeyBytes else { return }
            do {
                recipient = try HPKE.Recipient(
                    privateKey: key, ciphersuite: SealedRecords.ciphersuite, info: info,
                    encapsulatedKey: Data(buffer[0..<SealedRecords.encapsulatedKeyBytes]))
            } catch {
                throw SealError(.wrongKey, "the encapsulated key of records.sealed is not a valid X25519 key")
            }
            start = SealedRecords.encapsulatedKeyBytes
        }
        let maxSealed = SealedRecords.maxChunkPlaintextBytes + SealedRecords.tagBytes
        while buffer.count - start >= SealedRecords.lengthBytes {
            if sawLast {
                throw SealError(.damaged, "records.sealed has bytes after its last chunk")
            }
            let length =
                Int(buffer[start]) << 24 | Int(buffer[start + 1]) << 16 | Int(buffer[start + 2]) << 8
                | Int(buffer[start + 3])
            guard length >= SealedRecords.tagBytes, length <= maxSealed else {
                throw SealError(
                    .damaged,
                    "chunk \(chunks + 1) of records.sealed declares \(length) bytes; a chunk is "
                        + "\(SealedRecords.tagBytes) to \(maxSealed) bytes")
            }
            let body = start + SealedRecords.lengthBytes
            guard buffer.count - body >= length else { break }
            try open(buffer[body..<body + length], plaintext: plaintext)
            start = body + length
        }
        if start > 0 { buffer.removeFirst(start) }
    }

    /// Checks that the bytes ended right after the last chunk.
    public func finish() throws {
        guard sawLast, buffer.isEmpty else {
            throw SealError(
                .truncated,
                chunks == 0 && recipient == nil
                    ? "records.sealed ends before its encapsulated key"
                    : "records.sealed ends after \(chunks) chunks without its last one (cut short?)")
        }
    }

    private mutating func open(_ sealed: ArraySlice<UInt8>, plaintext: ([UInt8]) throws -> Void) throws {
        guard var recipient = self.recipient else { return }
        let opened: Data
        do {
            opened = try recipient.open(sealed, authenticating: SealedRecords.moreAAD)
        } catch {
            do {
                opened = try recipient.open(sealed, authenticating: SealedRecords.lastAAD)
                sawLast = true
            } catch {
                throw chunks == 0
                    ? SealError(
                        .wrongKey,
                        "records.sealed does not open with this key: it was sealed to another key (or for another "
                            + "center or sequence), or its first chunk was changed")
                    : SealError(.damaged, "chunk \(chunks + 1) of records.sealed does not open: the bytes were changed")
            }
        }
        self.recipient = recipient
        chunks += 1
        try plaintext([UInt8](opened))
    }
}
