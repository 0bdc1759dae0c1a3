/// What opens a batch's sealed records as their bytes stream past: KioskSeal's `RecordOpener`
/// (HPKE), kept behind this protocol so the batch format does not depend on the cryptography
/// library that seals.
public protocol SealedRecordsOpener {
    /// Takes the next sealed bytes; hands each piece of plaintext, once it authenticated, to `plaintext`.
    mutating func consume(_ bytes: [UInt8], plaintext: ([UInt8]) throws -> Void) throws
    /// Checks that the sealed bytes ended where they should.
    func finish() throws
}
