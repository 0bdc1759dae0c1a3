import Foundation
import KioskCore
import KioskCrypto
import Logging

/// Gives the attend service the newest held catalog at the start of each application, without a
/// restart: `catalog.json` is read again only when its size or modification time changed.
package struct CatalogWatcher: Sendable {
    let url: URL
    let center: String
    let key: Ed25519PublicKey?
    let local: UnitCatalog
    private var stamp: Stamp?
    private var held: HeldCatalog?
    private var refused = false

    private struct Stamp: Equatable {
        let size: Int
        let modified: Date
    }

    package init(url: URL, center: String, key: Ed25519PublicKey?, local: UnitCatalog) {
        self.url = url
        self.center = center
        self.key = key
        self.local = local
    }

    /// The data folder's held catalog, checked with the configured `hq_receipt_key` if there is one.
    package init(context: KioskContext) {
        let key = context.config.hqReceiptKey.flatMap { path in
            (try? String(contentsOfFile: context.folder.configPaths.path(path), encoding: .utf8)).flatMap {
                try? Ed25519PublicKey(pemRepresentation: $0)
            }
        }
        self.init(
            url: HeldCatalog.url(in: context.folder), center: context.config.center, key: key,
            local: context.resources.catalog)
    }

    /// What to offer now. A held catalog that no longer verifies offers no position at all: an
    /// applicant never sees a forged or damaged catalog, nor an older one in its place.
    package mutating func offered(now: Date, logger: Logger) -> OfferedCatalog {
        let attributes = try? FileManager.default.attributesOfItem(atPath: url.path)
        let current = attributes.map {
            Stamp(size: ($0[.size] as? Int) ?? -1, modified: ($0[.modificationDate] as? Date) ?? .distantPast)
        }
        if current != stamp {
            stamp = current
            do {
                held = try HeldCatalog.load(from: url, center: center, key: key)
                refused = false
                if let held {
                    logger.notice("unit catalog version \(held.statement.version) in use")
                }
            } catch {
                logger.error("\(error); no unit is offered until a good catalog is fetched")
                held = nil
                refused = true
            }
        }
        if refused { return OfferedCatalog.nothing }
        return OfferedCatalog(held: held, local: local, now: now)
    }
}

extension OfferedCatalog {
    /// Nothing to offer (the held catalog was refused).
    static let nothing = OfferedCatalog(
        held: nil, local: UnitCatalog(fictional: false, units: []), now: Date())
}

extension KioskContext {
    /// The units staff see named in the review console: the held catalog's (expired or not) and
    /// then the local units.json's, so an application filled with either reads with unit names.
    package var reviewCatalog: UnitCatalog {
        let watcher = CatalogWatcher(context: self)
        guard let held = try? HeldCatalog.load(from: watcher.url, center: config.center, key: watcher.key) else {
            return resources.catalog
        }
        let fetched = held.statement.catalog.units
        let ids = Set(fetched.map(\.id))
        return UnitCatalog(
            fictional: held.statement.catalog.fictional,
            units: fetched + resources.catalog.units.filter { !ids.contains($0.id) })
    }
}
