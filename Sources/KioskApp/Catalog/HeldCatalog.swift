import Foundation
import KioskCore
import KioskCrypto
import KioskReceipt
import KioskSupport

#if canImport(Glibc)
import Glibc
#endif

/// The signed unit catalog this kiosk holds: `catalog.json` in the data folder, written only by
/// `kiosk catalog fetch` (and `kiosk upload`) after its signature verified with the pinned
/// headquarters key and its version was newer than the one held.
package struct HeldCatalog: Sendable {
    package let signed: SignedCatalog
    package let statement: CatalogStatement
    /// When this kiosk stored it (the file's modification time).
    package let fetchedAt: Date

    /// The file in `folder`.
    package static func url(in folder: DataFolder) -> URL {
        folder.url.appendingPathComponent("catalog.json")
    }

    /// Reads the held catalog, or nil when none was fetched yet.
    ///
    /// The statement is checked again (canonical bytes, a valid catalog, this center) and, when
    /// `key` is given, its signature too, so a file changed in place is refused.
    package static func load(
        from url: URL, center: String, key: Ed25519PublicKey?
    ) throws(SetupError) -> HeldCatalog? {
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        do {
            let data = try Data(contentsOf: url)
            let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
            let signed = try SignedCatalog(wireBody: Array(data))
            let statement: CatalogStatement
            if let key {
                statement = try signed.verified(with: key, center: center)
            } else {
                statement = try CatalogStatement.decode(signed.bytes)
                guard statement.covers(center) else { throw ReceiptError("it is not for center \(center)") }
            }
            return HeldCatalog(
                signed: signed, statement: statement, fetchedAt: attributes[.modificationDate] as? Date ?? Date())
        } catch {
            throw SetupError("the held catalog \(url.path) is refused: \(error)")
        }
    }

    /// Stores a verified catalog in place of the held one: written to a new file, fsynced, then
    /// renamed over `catalog.json` (mode 0600), so a power cut leaves the old or the new one.
    package static func store(_ signed: SignedCatalog, at url: URL) throws(FileError) {
        let next = url.deletingLastPathComponent().appendingPathComponent(".catalog.json.next")
        unlink(next.path)
        try DurableFile.writeNew(signed.wireBody(), to: next, mode: 0o600)
        try DurableFile.move(next, to: url)
    }
}

/// The catalog an applicant is offered: the newest verified one, else the shipped `units.json`.
package struct OfferedCatalog: Sendable, Equatable {
    /// The units to offer: none once the held catalog expired.
    package let catalog: UnitCatalog
    /// 0 for the shipped `units.json` ("local").
    package let version: Int
    package let expiresAt: String?
    package let expired: Bool

    package init(held: HeldCatalog?, local: UnitCatalog, now: Date) {
        guard let held else {
            catalog = local
            version = 0
            expiresAt = nil
            expired = false
            return
        }
        expired = held.statement.isExpired(at: now)
        catalog =
            expired ? UnitCatalog(fictional: held.statement.catalog.fictional, units: []) : held.statement.catalog
        version = held.statement.version
        expiresAt = held.statement.expiresAt
    }
}
