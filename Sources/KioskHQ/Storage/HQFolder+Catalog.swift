import Foundation
import KioskCore
import KioskCrypto
import KioskReceipt
import KioskSupport

/// Published unit catalogs: `catalogs/catalog-NNNNNN.json`, one signed envelope per version.
///
/// A version's file is created once and never rewritten (`DurableFile.writeNew` refuses an
/// existing name), so two publishers at the same moment cannot both get one version number.
extension HQFolder {
    public var catalogsURL: URL { url.appendingPathComponent("catalogs") }

    /// Checks `data` as a unit catalog (`file` names it in messages), gives it the next version and
    /// an expiry, signs it with the receipt key and stores it.
    public func publishCatalog(
        _ data: Data, file: String, centers: [String], expiresIn: TimeInterval, now: Date = Date()
    ) throws -> CatalogStatement {
        let catalog: UnitCatalog
        do {
            catalog = try DefinitionLoader.catalog(from: data, file: file)
        } catch {
            throw HQError("catalog refused: \(error)")
        }
        let key = try loadReceiptKey()
        try DurableFile.createFolder(catalogsURL)
        let version = (try publishedVersions().last ?? 0) + 1
        let issued = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
        let statement = CatalogStatement(
            version: version, centers: centers, issuedAt: issued, expiresAt: issued.addingTimeInterval(expiresIn),
            keyFingerprint: key.publicKey.fingerprint, catalog: catalog)
        let signed = try SignedCatalog.sign(statement, with: key)
        do {
            try DurableFile.writeNew(signed.wireBody(), to: catalogURL(version), mode: 0o600)
        } catch {
            throw HQError("cannot store catalog version \(version): \(error) (was another one published just now?)")
        }
        return statement
    }

    /// The newest published catalog for `center` (one for every center, or naming it), or nil.
    public func currentCatalog(for center: String) throws -> (SignedCatalog, CatalogStatement)? {
        for version in try publishedVersions().reversed() {
            let (signed, statement) = try publishedCatalog(version)
            if statement.covers(center) { return (signed, statement) }
        }
        return nil
    }

    /// Every published catalog, oldest first.
    public func publishedCatalogs() throws -> [CatalogStatement] {
        try publishedVersions().map { try publishedCatalog($0).1 }
    }

    private func publishedCatalog(_ version: Int) throws -> (SignedCatalog, CatalogStatement) {
        let file = catalogURL(version)
        do {
            let signed = try SignedCatalog(wireBody: Array(try Data(contentsOf: file)))
            return (signed, try CatalogStatement.decode(signed.bytes))
        } catch {
            throw HQError("cannot read the published catalog \(file.path): \(error)")
        }
    }

    private func catalogURL(_ version: Int) -> URL {
        catalogsURL.appendingPathComponent("catalog-\(RFC3339.pad(version, 6)).json")
    }

    /// The versions stored, in order.
    private func publishedVersions() throws -> [Int] {
        guard FileManager.default.fileExists(atPath: catalogsURL.path) else { return [] }
        let names = try FileManager.default.contentsOfDirectory(atPath: catalogsURL.path)
        return names.compactMap { name -> Int? in
            guard name.hasPrefix("catalog-"), name.hasSuffix(".json") else { return nil }
            return Int(name.dropFirst("catalog-".count).dropLast(".json".count))
        }.sorted()
    }
}
