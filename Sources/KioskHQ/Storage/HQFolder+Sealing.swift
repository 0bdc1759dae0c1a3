import Foundation
import KioskCrypto
import KioskSupport

/// Headquarters' X25519 sealing key pair: centers seal their records to the public key, and only
/// the opening (private) key reads them again.
///
/// The opening key is made here so that `keys init` is one step, but it belongs on the machine
/// that runs `kiosk-hq export`, not on the intake server: the server only needs the public keys,
/// so a server that is broken into reveals no application.
extension HQFolder {
    /// What `createSealingKey` did.
    public enum SealingKeyCreation: Equatable, Sendable {
        /// Both files were created from a new key.
        case created(X25519PublicKey)
        /// The opening key was there without its public key; the public key was written from it.
        case publicKeyRestored(X25519PublicKey)
        /// `sealing.pub.pem` exists already: nothing was written (the opening key may be elsewhere).
        case alreadyPresent(X25519PublicKey)
    }

    /// Creates the sealing pair when `sealing.pub.pem` is missing; never overwrites a file.
    ///
    /// The opening key (0600) is written before the public key, so a public key that centers
    /// could seal to never exists without its opening key.
    @discardableResult
    public func createSealingKey() throws -> SealingKeyCreation {
        try prepare()
        let manager = FileManager.default
        if manager.fileExists(atPath: sealingPublicKeyURL.path) {
            return .alreadyPresent(try loadSealingPublicKey(at: sealingPublicKeyURL))
        }
        let key: X25519PrivateKey
        let restored: Bool
        do {
            if manager.fileExists(atPath: openingPrivateKeyURL.path) {
                try DurableFile.restrict(openingPrivateKeyURL.path, to: 0o600)
                key = try X25519PrivateKey(pemRepresentation: String(contentsOf: openingPrivateKeyURL, encoding: .utf8))
                restored = true
            } else {
                key = try X25519PrivateKey.generate()
                try DurableFile.writeNew(Array(key.pemRepresentation.utf8), to: openingPrivateKeyURL, mode: 0o600)
                restored = false
            }
            try DurableFile.writeNew(Array(key.publicKey.pemRepresentation.utf8), to: sealingPublicKeyURL, mode: 0o644)
        } catch {
            throw HQError("cannot create the sealing key in \(keysURL.path): \(error)")
        }
        return restored ? .publicKeyRestored(key.publicKey) : .created(key.publicKey)
    }

    /// The sealing public keys batches may be sealed to: `sealing.pub.pem` first, then the retired
    /// ones an operator keeps as `sealing-*.pub.pem` after a rotation, by name.
    ///
    /// Reads public keys only: the intake server never opens a record.
    public func loadSealingKeys() throws -> [X25519PublicKey] {
        guard FileManager.default.fileExists(atPath: sealingPublicKeyURL.path) else {
            throw HQError(
                "no sealing key at \(sealingPublicKeyURL.path); run `kiosk-hq keys init --data-dir \(url.path)`")
        }
        var keys = [try loadSealingPublicKey(at: sealingPublicKeyURL)]
        for url in retiredSealingKeyURLs() {
            keys.append(try loadSealingPublicKey(at: url))
        }
        return keys
    }

    /// `keys/sealing-*.pub.pem`, by name.
    public func retiredSealingKeyURLs() -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: keysURL.path)) ?? []
        return names.filter { $0.hasPrefix("sealing-") && $0.hasSuffix(".pub.pem") }.sorted().map {
            keysURL.appendingPathComponent($0)
        }
    }

    private func loadSealingPublicKey(at url: URL) throws -> X25519PublicKey {
        do {
            return try X25519PublicKey(pemRepresentation: String(contentsOf: url, encoding: .utf8))
        } catch {
            throw HQError("cannot read the sealing key \(url.path) (an X25519 public key PEM): \(error)")
        }
    }
}
