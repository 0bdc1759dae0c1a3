import Foundation
import KioskBatch
import KioskCrypto

#if canImport(Glibc)
import Glibc
import KioskSupport
#endif

/// Headquarters' data folder: `hq.sqlite`, `keys/` (the receipt key, the sealing public key and,
/// until it is moved to the machine that exports, the opening key), `incoming/` (uploads being
/// received and checked) and `batches/<CENTER>/` (accepted tar files, their records sealed).
///
/// Mode 0700: the database and the batches name centers and references.
public struct HQFolder: Sendable {
    public let url: URL

    public init(url: URL) {
        self.url = url
    }

    public var databasePath: String { url.appendingPathComponent("hq.sqlite").path }
    public var keysURL: URL { url.appendingPathComponent("keys") }
    public var receiptPrivateKeyURL: URL { keysURL.appendingPathComponent("receipt.key.pem") }
    public var receiptPublicKeyURL: URL { keysURL.appendingPathComponent("receipt.pub.pem") }
    /// Headquarters' X25519 sealing public key, which every center seals its records to.
    public var sealingPublicKeyURL: URL { keysURL.appendingPathComponent("sealing.pub.pem") }
    /// The matching opening (private) key: only `kiosk-hq export` reads it, never the server.
    public var openingPrivateKeyURL: URL { keysURL.appendingPathComponent("opening.key.pem") }
    public var incomingURL: URL { url.appendingPathComponent("incoming") }
    public var batchesURL: URL { url.appendingPathComponent("batches") }

    /// The relative path of an accepted batch's tar, e.g. `batches/DEMO01/DEMO01-00000001.tar`.
    public static func batchFile(center: String, sequence: Int) -> String {
        "batches/\(center)/\(BatchManifest.fileName(center: center, sequence: sequence))"
    }

    /// Creates the folder and its subfolders (0700) if missing.
    public func prepare() throws {
        for folder in [url, keysURL, incomingURL, batchesURL] {
            try DurableFile.createFolder(folder)
        }
    }

    /// Removes uploads that a crash or a stop left half-received in `incoming/`: they were never
    /// accepted. Only for a server that is starting (a running one is writing there).
    public func removeAbandonedUploads() {
        for name in (try? FileManager.default.contentsOfDirectory(atPath: incomingURL.path)) ?? [] {
            unlink(incomingURL.appendingPathComponent(name).path)
        }
    }

    // MARK: - Receipt key

    /// Creates headquarters' Ed25519 receipt key (0600) and its public key; never overwrites.
    @discardableResult
    public func createReceiptKey() throws -> Ed25519PrivateKey {
        try prepare()
        guard !FileManager.default.fileExists(atPath: receiptPrivateKeyURL.path) else {
            throw HQError("\(receiptPrivateKeyURL.path) already exists; the receipt key is never overwritten")
        }
        let key = try Ed25519PrivateKey.generate()
        let privatePEM = Array(try key.pemRepresentation.utf8)
        do {
            try DurableFile.writeNew(privatePEM, to: receiptPrivateKeyURL, mode: 0o600)
            try DurableFile.writeNew(Array(key.publicKey.pemRepresentation.utf8), to: receiptPublicKeyURL, mode: 0o644)
        } catch {
            throw HQError("\(error)")
        }
        return key
    }

    /// Loads the receipt key; a clear error when it is missing.
    public func loadReceiptKey() throws -> Ed25519PrivateKey {
        guard FileManager.default.fileExists(atPath: receiptPrivateKeyURL.path) else {
            throw HQError(
                "no receipt key at \(receiptPrivateKeyURL.path); run `kiosk-hq keys init --data-dir \(url.path)`")
        }
        do {
            // Whoever put the key there, only this user reads it.
            try DurableFile.restrict(keysURL.path, to: 0o700)
            try DurableFile.restrict(receiptPrivateKeyURL.path, to: 0o600)
            return try Ed25519PrivateKey(pemRepresentation: String(contentsOf: receiptPrivateKeyURL, encoding: .utf8))
        } catch {
            throw HQError("cannot read the receipt key \(receiptPrivateKeyURL.path): \(error)")
        }
    }
}
