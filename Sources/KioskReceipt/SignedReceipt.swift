import Foundation
import KioskCrypto

/// A receipt's exact bytes and headquarters' Ed25519 signature over them: the body of a 200 or
/// 201 answer to a batch upload, and what the kiosk keeps in the batch's row.
public struct SignedReceipt: Equatable, Sendable {
    /// The canonical receipt bytes, as signed.
    public let bytes: [UInt8]
    /// The 64-byte Ed25519 signature over `bytes`.
    public let signature: [UInt8]

    public init(bytes: [UInt8], signature: [UInt8]) {
        self.bytes = bytes
        self.signature = signature
    }

    /// Signs `receipt` with headquarters' key.
    public static func sign(_ receipt: Receipt, with key: Ed25519PrivateKey) throws -> SignedReceipt {
        try receipt.validate()
        let bytes = receipt.encoded()
        return SignedReceipt(bytes: bytes, signature: try key.signature(for: bytes))
    }

    /// The HTTP body: `{"receipt":"<base64>","signature":"<base64>"}` and a newline.
    public func wireBody() -> [UInt8] {
        SignedEnvelope.body(name: "receipt", bytes: bytes, signature: signature)
    }

    /// Parses an HTTP body; refuses anything but an object with exactly the two base64 strings.
    public init(wireBody: [UInt8]) throws(ReceiptError) {
        let (bytes, signature) = try SignedEnvelope.parse(
            wireBody, name: "receipt", what: "a receipt", maxBytes: 16_384)
        self.init(bytes: bytes, signature: signature)
    }

    /// Verifies the signature with the pinned key and decodes the receipt; refuses a receipt whose
    /// `key_fingerprint` names another key.
    public func verified(with key: Ed25519PublicKey) throws(ReceiptError) -> Receipt {
        guard key.isValidSignature(signature, for: bytes) else {
            throw ReceiptError(
                "the receipt's signature does not verify with the pinned headquarters key \(key.fingerprint)")
        }
        let receipt = try Receipt.decode(bytes)
        guard receipt.keyFingerprint == key.fingerprint else {
            throw ReceiptError(
                "the receipt names key \(receipt.keyFingerprint), not the pinned headquarters key \(key.fingerprint)")
        }
        return receipt
    }
}
