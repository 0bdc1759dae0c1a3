import Crypto
import Foundation

/// The layout of `records.sealed`, a `kiosk-batch/2` batch's records sealed to headquarters'
/// X25519 sealing key with HPKE (RFC 9180), so that only the holder of the opening key reads them.
///
/// Suite: base mode, DHKEM(X25519, HKDF-SHA256) (KEM 0x0020), HKDF-SHA256 (KDF 0x0001),
/// ChaCha20-Poly1305 (AEAD 0x0003), through swift-crypto's `HPKE`. ChaCha20-Poly1305 rather than
/// AES-GCM because the kiosks' single-board ARM processors may lack AES instructions, and
/// ChaCha20 is constant-time in software.
///
/// The bytes, in order:
///
///     enc        32 bytes  the sender's encapsulated key (its ephemeral X25519 public key)
///     chunk*     one or more, each:
///         length  4 bytes  big-endian length L of the ciphertext that follows (16 ... 65,552)
///         ct      L bytes  HPKE seal of the next piece of plaintext (0 ... 65,536 bytes);
///                          aad = 0x00 for a chunk that is followed by another, 0x01 for the last
///
/// One HPKE context per batch, so the chunks use its nonces in order (sequence 0, 1, 2, ...): a
/// reordered, repeated or dropped chunk does not open, and the 0x01 of the last chunk makes a cut
/// after any whole chunk detectable. `info` (below) binds the format, the center and the sequence,
/// so a sealed body moved into another batch does not open. The plaintext, joined, is exactly
/// the `records.jsonl` of `kiosk-batch/1`: one JSON object per line.
public enum SealedRecords {
    /// The HPKE suite.
    public static let ciphersuite = HPKE.Ciphersuite.Curve25519_SHA256_ChachaPoly
    /// The batch format whose records this layout seals.
    public static let format = "kiosk-batch/2"
    /// Length of `enc`.
    public static let encapsulatedKeyBytes = 32
    /// The most plaintext in one chunk.
    public static let maxChunkPlaintextBytes = 1 << 16
    /// The authentication tag each chunk adds.
    public static let tagBytes = 16
    /// The length prefix of each chunk.
    public static let lengthBytes = 4
    /// The additional authenticated data of a chunk that another follows.
    static let moreAAD: [UInt8] = [0]
    /// The additional authenticated data of the last chunk.
    static let lastAAD: [UInt8] = [1]

    /// HPKE `info`: the UTF-8 bytes of `kiosk-batch/2`, a zero byte, the center code, a zero byte,
    /// and the sequence in decimal (`kiosk-batch/2\0DEMO01\042`).
    public static func info(center: String, sequence: Int) -> [UInt8] {
        Array(format.utf8) + [0] + Array(center.utf8) + [0] + Array(String(sequence).utf8)
    }

    /// The size of the sealed bytes for `plaintextBytes` of records.
    public static func sealedSize(plaintextBytes: Int) -> Int {
        let chunks = max(1, (plaintextBytes + maxChunkPlaintextBytes - 1) / maxChunkPlaintextBytes)
        return encapsulatedKeyBytes + chunks * (lengthBytes + tagBytes) + plaintextBytes
    }
}
