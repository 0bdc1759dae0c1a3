import KioskBatch
import KioskCrypto

/// The checks intake runs on what an uploader sends (the path's parts and the body on disk),
/// apart from the database: pure functions of their arguments, so Fuzz/harnesses/intake.swift
/// runs exactly these on hostile input, without a server or a database.
///
/// Every refusal of bad input is a client error (4xx); only a failure to read the body's own
/// file is `.storage`.
package enum IntakeChecks {
    /// The sequence in `/v1/centers/{center}/batches/{sequence}`: a whole number from 1.
    package static func sequence(inPath text: String?) throws(IntakeError) -> Int {
        guard let text, text.utf8.count <= 12, let sequence = Int(text), sequence >= 1 else {
            throw IntakeError(.malformed, "the sequence in the path is not a batch number (1, 2, 3 ...)")
        }
        return sequence
    }

    /// The signed manifest bytes of the body at `path`, once the center's signature over them
    /// verifies with `key`: nothing else of the body is decoded before that.
    package static func authenticate(
        path: String, key: Ed25519PublicKey, center: String, sequence: Int, limits: BatchReader.Limits
    ) throws(IntakeError) -> [UInt8] {
        let signed: (manifest: [UInt8], signature: [UInt8])
        do {
            signed = try BatchReader.signedManifest(path: path, limits: limits)
        } catch {
            throw refusal(error, center: center, sequence: sequence)
        }
        guard key.isValidSignature(signed.signature, for: signed.manifest) else {
            throw IntakeError(
                .unverifiable,
                "\(center) batch \(sequence) refused: manifest.sig does not verify with the key registered "
                    + "for \(center) (\(key.fingerprint))")
        }
        return signed.manifest
    }

    /// Refuses, before the records are read, a batch with its records in clear and one sealed to
    /// a key headquarters does not have: nothing could ever open it, so taking it (and giving a
    /// receipt, after which the kiosk deletes the applications) would lose them.
    package static func checkSealed(
        _ manifestBytes: [UInt8], center: String, sequence: Int, sealingFingerprints: [String]
    ) throws(IntakeError) {
        let manifest: BatchManifest
        do {
            manifest = try BatchManifest.decode(manifestBytes)
        } catch {
            throw refusal(error, center: center, sequence: sequence)
        }
        guard manifest.isSealed, let fingerprint = manifest.sealingKeyFingerprint else {
            throw IntakeError(
                .unverifiable,
                "\(center) batch \(sequence) refused: it is a \(manifest.format) batch, with the records in clear; "
                    + "headquarters takes only \(BatchManifest.sealedFormat) batches, the records sealed to its "
                    + "sealing key (`kiosk-hq keys show`). Update the kiosk and give it that key")
        }
        guard sealingFingerprints.contains(fingerprint) else {
            let retired = sealingFingerprints.dropFirst()
            throw IntakeError(
                .unverifiable,
                "\(center) batch \(sequence) refused: its records are sealed to key \(fingerprint), which is not a "
                    + "sealing key of headquarters (current \(sealingFingerprints.first ?? "none")"
                    + (retired.isEmpty ? "" : "; retired \(retired.joined(separator: ", "))")
                    + "). Give the center headquarters' sealing key from `kiosk-hq keys show`")
        }
    }

    /// Reads the archive at `path` strictly and verifies it as `center`'s batch `sequence`,
    /// following `previous` (nil for the first batch); `expected` is the sequence headquarters
    /// expects, for the answer to a replayed batch.
    package static func examine(
        path: String, key: Ed25519PublicKey, center: String, sequence: Int, expected: Int,
        previous: BatchContents?, limits: BatchReader.Limits
    ) throws(IntakeError) -> BatchContents {
        let contents: BatchContents
        do {
            contents = try BatchReader.read(path: path, limits: limits)
        } catch {
            throw refusal(error, center: center, sequence: sequence)
        }
        let manifest = contents.manifest
        guard manifest.center == center else {
            throw IntakeError(
                .unverifiable,
                "the batch was uploaded for center \(center) but its manifest names \(manifest.center)")
        }
        guard manifest.sequence == sequence else {
            throw IntakeError(
                .wrongSequence,
                "the batch uploaded as \(center) batch \(sequence) is batch \(manifest.sequence) (an old batch replayed?); "
                    + "headquarters expects batch \(expected)",
                expectedSequence: expected)
        }
        do {
            try BatchVerifier.verify(contents, key: key, previous: previous)
        } catch {
            throw refusal(error, center: center, sequence: sequence)
        }
        return contents
    }

    /// Maps a reader or verifier error to the refusal headquarters answers with.
    package static func refusal(_ error: any Error, center: String, sequence: Int) -> IntakeError {
        guard let error = error as? BatchError else {
            return IntakeError(.storage, "cannot read the received batch: \(error)")
        }
        let what = "\(center) batch \(sequence) refused: \(error.message)"
        switch error.code {
        case .malformedArchive, .malformedManifest: return IntakeError(.malformed, what)
        case .tooLarge: return IntakeError(.tooLarge, what)
        case .badSignature, .wrongKey, .digestMismatch, .countMismatch, .referencesMismatch, .cannotOpen:
            return IntakeError(.unverifiable, what)
        case .brokenChain: return IntakeError(.brokenChain, what)
        case .io: return IntakeError(.storage, "cannot read the received batch: \(error.message)")
        }
    }

    /// The witness of the kiosk's audit log against the one the center's last batch carried:
    /// once a center has sent one, every later batch carries one, never shorter, and as long
    /// only with the same head. Otherwise the kiosk's log was cut or rewritten (an alarm).
    ///
    /// `seen` is what the center's last accepted batch (`lastSequence`) showed.
    static func checkAuditWitness(
        _ witness: AuditWitness?, seen: AuditWitness?, lastSequence: Int, center: String, sequence: Int
    ) throws(IntakeError) {
        guard let seen else { return }
        let before = "batch \(lastSequence) showed \(seen.length) entries, head \(seen.head)"
        guard let witness else {
            throw IntakeError(
                .auditRewound,
                "\(center) batch \(sequence) carries no audit witness, but \(before); the kiosk's audit log "
                    + "cannot be checked against what headquarters saw")
        }
        if witness.length < seen.length {
            throw IntakeError(
                .auditRewound,
                "\(center) batch \(sequence) shows an audit log of \(witness.length) entries, but \(before): "
                    + "the kiosk's audit log was cut or rewritten")
        }
        if witness.length == seen.length && witness.head != seen.head {
            throw IntakeError(
                .auditRewound,
                "\(center) batch \(sequence) shows the audit log at \(witness.length) entries with head "
                    + "\(witness.head), but \(before): the kiosk's audit log was rewritten")
        }
    }
}
