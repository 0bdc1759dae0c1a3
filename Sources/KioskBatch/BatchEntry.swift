/// The names of the three entries of a batch, in the order the archive must hold them.
///
/// The manifest comes first so that a reader knows the expected count and digest before the
/// records stream past; the signature comes last, after everything it vouches for.
public enum BatchEntry {
    /// The signed manifest.
    public static let manifest = "manifest.json"
    /// The records, one JSON object per line.
    public static let records = "records.jsonl"
    /// The raw 64-byte Ed25519 signature over the manifest bytes.
    public static let signature = "manifest.sig"
    /// All three names, in archive order.
    public static let all = [manifest, records, signature]
    /// The size of an Ed25519 signature, the only valid size of `manifest.sig`.
    public static let signatureBytes = 64
}
