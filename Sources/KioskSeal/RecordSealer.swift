import Crypto
import Foundation
import KioskCrypto

/// Seals a stream of record bytes for headquarters in the `SealedRecords` layout, one chunk of
/// at most 64 KiB at a time, so memory stays flat however many records a batch holds.
///
/// Feed the plaintext with `append`, then call `finish` once; every sealed byte is handed to
/// `emit` in order (the encapsulated key first). A chunk is sealed only when the next byte
/// arrives or at `finish`, because the last chunk is marked as last.
public struct RecordSealer {
    private var sender: HPKE.Sender
    private var pending: [UInt8] = []
    private var wroteHeader = false
    private var finished = false

    /// Starts sealing batch `sequence` of `center` to `recipient`, with a fresh ephemeral key.
    public init(recipient: X25519PublicKey, center: String, sequence: Int) throws(SealError) {
        let key: Curve25519.KeyAgreement.PublicKey
        do {
            key = try Curve25519.KeyAgreement.PublicKey(rawRepresentation: recipient.rawRepresentation)
            sender = try HPKE.Sender(
                recipientKey: key, ciphersuite: SealedRecords.ciphersuite,
                info: Data(SealedRecords.info(center: center, sequence: sequence)))
        } catch {
            throw SealError(.badKey, "headquarters' sealing key cannot be used for HPKE: \(error)")
        }
        pending.reserveCapacity(2 * SealedRecords.maxChunkPlaintextBytes)
    }

    /// Takes more plaintext; seals and emits every full chunk that is known not to be the last.
    public mutating func append(_ bytes: [UInt8], emit: ([UInt8]) throws -> Void) throws {
        precondition(!finished, "RecordSealer.append after finish")
        pending.append(contentsOf: bytes)
        let size = SealedRecords.maxChunkPlaintextBytes
        var start = 0
        while pending.count - start > size {
            try emitChunk(pending[start..<start + size], last: false, emit: emit)
            start += size
        }
        if start > 0 { pending.removeFirst(start) }
    }

    /// Seals what is left as the last chunk (possibly empty) and emits it.
    public mutating func finish(emit: ([UInt8]) throws -> Void) throws {
        precondition(!finished, "RecordSealer.finish twice")
        try emitChunk(pending[...], last: true, emit: emit)
        pending.removeAll()
        finished = true
    }

    private mutating func emitChunk(
        _ plaintext: ArraySlice<UInt8>, last: Bool, emit: ([UInt8]) throws -> Void
    ) throws {
        var out: [UInt8] = []
        out.reserveCapacity(plaintext.count + 64)
        if !wroteHeader {
            out.append(contentsOf: sender.encapsulatedKey)
            wroteHeader = true
        }
        let sealed: Data
        do {
            sealed = try sender.seal(plaintext, authenticating: last ? SealedRecords.lastAAD : SealedRecords.moreAAD)
        } catch {
            throw SealError(.badKey, "HPKE seal failed: \(error)")
        }
        let length = UInt32(sealed.count)
        out.append(contentsOf: [
            UInt8(truncatingIfNeeded: length >> 24), UInt8(truncatingIfNeeded: length >> 16),
            UInt8(truncatingIfNeeded: length >> 8), UInt8(truncatingIfNeeded: length),
        ])
        out.append(contentsOf: sealed)
        try emit(out)
    }
}
