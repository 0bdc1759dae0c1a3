import KioskCrypto

/// Decides whether a batch that `BatchReader` read can be trusted: signed by the center's key,
/// records exactly as the manifest describes them, and next in the center's chain.
public enum BatchVerifier {
    /// Checks, in this order: the manifest names `key`; the signature verifies over the manifest
    /// bytes; the records' digest matches the manifest, and, when the record lines were read
    /// (`recordsSeen`), their count and references (same list, same order); and the chain.
    ///
    /// Chain: with `previous`, both batches are from the same center, this sequence is the next
    /// one, and `previous` here is the SHA-256 of the previous manifest. Without `previous`,
    /// sequence 1 must have `previous` null and any later sequence must name a previous manifest
    /// (the caller then checks it against its own record of that batch).
    public static func verify(
        _ contents: BatchContents, key: Ed25519PublicKey, previous: BatchContents?
    )
        throws(BatchError)
    {
        let manifest = contents.manifest
        let fingerprint = key.fingerprint
        guard manifest.keyFingerprint == fingerprint else {
            throw BatchError(
                .wrongKey,
                "the manifest says it is signed by key \(manifest.keyFingerprint), but the key given is \(fingerprint)")
        }
        guard key.isValidSignature(contents.signature, for: contents.manifestBytes) else {
            throw BatchError(.badSignature, "manifest.sig does not verify with key \(fingerprint)")
        }
        guard contents.recordsSHA256 == manifest.recordsSHA256 else {
            throw BatchError(
                .digestMismatch,
                "\(manifest.recordsEntry) SHA-256 is \(contents.recordsSHA256) but the manifest says "
                    + manifest.recordsSHA256)
        }
        if contents.recordsSeen {
            guard contents.recordCount == manifest.count else {
                throw BatchError(
                    .countMismatch,
                    "\(manifest.recordsEntry) has \(contents.recordCount) records but the manifest says count "
                        + "\(manifest.count)")
            }
            try checkReferences(contents)
        }
        try checkChain(manifest, previous: previous)
    }

    private static func checkReferences(_ contents: BatchContents) throws(BatchError) {
        let listed = contents.manifest.references
        let found = contents.recordReferences
        guard found != listed else { return }
        if let index = zip(found, listed).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset {
            throw BatchError(
                .referencesMismatch,
                "record \(index + 1) has reference \(DisplayText.quoted(found[index])) but the manifest lists "
                    + "\(DisplayText.quoted(listed[index])) at that position")
        }
        throw BatchError(
            .referencesMismatch,
            "\(contents.manifest.recordsEntry) has \(found.count) references but the manifest lists \(listed.count)")
    }

    private static func checkChain(_ manifest: BatchManifest, previous: BatchContents?) throws(BatchError) {
        guard let previous else {
            if manifest.sequence == 1, let named = manifest.previous {
                throw BatchError(
                    .brokenChain, "sequence 1 starts the chain, so previous must be null, but it is \(named)")
            }
            if manifest.sequence > 1, manifest.previous == nil {
                throw BatchError(
                    .brokenChain, "sequence \(manifest.sequence) has previous null; only sequence 1 starts a chain")
            }
            return
        }
        guard previous.manifest.center == manifest.center else {
            throw BatchError(
                .brokenChain,
                "this batch is from center \(DisplayText.quoted(manifest.center)) but the previous batch is from "
                    + DisplayText.quoted(previous.manifest.center))
        }
        guard manifest.sequence == previous.manifest.sequence + 1 else {
            throw BatchError(
                .brokenChain, "sequence \(manifest.sequence) does not follow \(previous.manifest.sequence)")
        }
        guard manifest.previous == previous.manifestSHA256 else {
            throw BatchError(
                .brokenChain,
                "previous is \(manifest.previous ?? "null") but the previous batch's manifest.json SHA-256 is "
                    + previous.manifestSHA256)
        }
    }
}
