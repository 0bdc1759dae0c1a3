import Foundation
import KioskCrypto
import KioskSupport

/// The center's Ed25519 signing key in the data folder's `keys/` (0700; key file 0600).
///
/// Created once and never overwritten: losing or replacing it would break the center's
/// chain of batches at headquarters.
public struct CenterKey {
    public let folder: URL

    public init(folder: URL) {
        self.folder = folder
    }

    public var privateKeyURL: URL { folder.appendingPathComponent("center.key.pem") }
    public var publicKeyURL: URL { folder.appendingPathComponent("center.pub.pem") }

    public var exists: Bool { FileManager.default.fileExists(atPath: privateKeyURL.path) }

    /// Creates the key pair; refuses if a key is already there.
    @discardableResult
    public func create() throws(OutboxError) -> Ed25519PrivateKey {
        do {
            try DurableFile.createFolder(folder)
        } catch {
            throw OutboxError(.io, "\(error)")
        }
        if exists {
            throw OutboxError(
                .keyExists, "\(privateKeyURL.path) already exists; the center key is never overwritten")
        }
        do {
            let key = try Ed25519PrivateKey.generate()
            try DurableFile.writeNew(Array(try key.pemRepresentation.utf8), to: privateKeyURL, mode: 0o600)
            try DurableFile.writeNew(Array(key.publicKey.pemRepresentation.utf8), to: publicKeyURL, mode: 0o644)
            return key
        } catch let error as OutboxError {
            throw error
        } catch {
            throw OutboxError(.io, "cannot create the center key: \(error)")
        }
    }

    /// Loads the private key; a clear error when it is missing or unreadable.
    public func load() throws(OutboxError) -> Ed25519PrivateKey {
        guard exists else {
            throw OutboxError(.keyMissing, "no center key at \(privateKeyURL.path); run `kiosk keys init`")
        }
        do {
            // Whoever put the key there, only this user reads it.
            try DurableFile.restrict(folder.path, to: 0o700)
            try DurableFile.restrict(privateKeyURL.path, to: 0o600)
            let pem = try String(contentsOf: privateKeyURL, encoding: .utf8)
            return try Ed25519PrivateKey(pemRepresentation: pem)
        } catch {
            throw OutboxError(.keyMissing, "cannot read the center key \(privateKeyURL.path): \(error)")
        }
    }
}
