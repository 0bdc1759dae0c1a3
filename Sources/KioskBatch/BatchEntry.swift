/// The names of the three entries of a batch, in the order the archive must hold them.
///
/// The manifest comes first so that a reader knows the expected count and digest before the
/// records stream past; the signature comes last, after everything it vouches for.
public enum BatchEntry {
    /// The signed manifest.
    public static let manifest = "manifest.json"
    /// The records in clear, one JSON object per line (format 1).
    public static let records = "records.jsonl"
    /// The records sealed to headquarters (format 2): `SealedRecords` in KioskSeal.
    public static let sealedRecords = "records.sealed"
    /// The raw 64-byte Ed25519 signature over the manifest bytes.
    public static let signature = "manifest.sig"
    /// All three names of a format 2 batch, in archive order.
    public static let all = [manifest, sealedRecords, signature]
    /// The names the records entry may have.
    public static let recordsNames = [sealedRecords, records]
    /// All three names of a format 1 batch, in archive order.
    public static let allPlain = [manifest, records, signature]
    /// The size of an Ed25519 signature, the only valid size of `manifest.sig`.
    public static let signatureBytes = 64
}
