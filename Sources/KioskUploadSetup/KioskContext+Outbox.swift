import Foundation
import KioskApp
import KioskOutbox

// Kept out of KioskApp so that `kiosk-attend`, which never seals, links neither the outbox nor
// swift-crypto's HPKE (and BoringSSL under it).
extension KioskContext {
    /// The outbox, with the center key, the database it seals from and headquarters' sealing key
    /// (`--hq-seal-key`, else `hq_sealing_key`; without either, sealing refuses with a clear error).
    package func outbox(sealingKey: String? = nil, acceptSealingKey: String? = nil) throws -> Outbox {
        Outbox(
            folder: folder.outboxURL, database: try folder.openDatabase(), center: config.center,
            key: try folder.centerKey.load(),
            sealing: try sealing(keyOption: sealingKey, accept: acceptSealingKey))
    }

    /// Headquarters' sealing key and how long plaintext stays, or nil when no key is configured.
    /// `keyOption` is a path as given on the command line (relative to the working directory).
    package func sealing(keyOption: String?, accept: String?) throws(SetupError) -> Outbox.Sealing? {
        guard let key = try sealingKey(keyOption: keyOption) else { return nil }
        if let accept, !(accept.count == 64 && accept.allSatisfy(\.isHexDigit)) {
            throw SetupError("--accept-sealing-key must be a key fingerprint: 64 hex digits")
        }
        return Outbox.Sealing(
            key: key, confirmedFingerprint: accept?.lowercased(), keepPlaintextDays: config.keepPlaintextDays ?? 0)
    }
}
