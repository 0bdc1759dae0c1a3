import Foundation
import KioskSupport

/// The catalog part of `kiosk status`: which unit catalog the attend service offers. Its JSON
/// keys are a monitoring interface, keep them stable.
package struct CatalogStatusReport: Encodable, Sendable {
    /// 0 for the shipped Kiosk/units.json ("local").
    package let version: Int
    package let fetchedAt: String?
    package let expiresAt: String?
    /// True once the held catalog expired: no position is offered until a newer one is fetched.
    package let expired: Bool
    /// Why the held catalog file is refused (no unit is offered then), or nil.
    package let problem: String?

    package init(_ context: KioskContext, now: Date = Date()) {
        let watcher = CatalogWatcher(context: context)
        do {
            let held = try HeldCatalog.load(
                from: HeldCatalog.url(in: context.folder), center: context.config.center, key: watcher.key)
            let offered = OfferedCatalog(held: held, local: context.resources.catalog, now: now)
            version = offered.version
            fetchedAt = held.map { RFC3339.format($0.fetchedAt) }
            expiresAt = offered.expiresAt
            expired = offered.expired
            problem = nil
        } catch {
            version = 0
            fetchedAt = nil
            expiresAt = nil
            expired = false
            problem = error.description
        }
    }

    enum CodingKeys: String, CodingKey {
        case version, expired, problem
        case fetchedAt = "fetched_at"
        case expiresAt = "expires_at"
    }

    /// Encodes absent times as null, so monitoring sees every key.
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(version, forKey: .version)
        try container.encode(fetchedAt, forKey: .fetchedAt)
        try container.encode(expiresAt, forKey: .expiresAt)
        try container.encode(expired, forKey: .expired)
        try container.encode(problem, forKey: .problem)
    }

    package var line: String {
        if let problem { return "catalog:     REFUSED, no unit offered: \(problem)" }
        guard version > 0, let expiresAt else { return "catalog:     local Kiosk/units.json (none fetched)" }
        let fetched = fetchedAt.map { ", fetched \($0)" } ?? ""
        if expired {
            return "catalog:     version \(version) EXPIRED at \(expiresAt)\(fetched): no position offered "
                + "(only \"no preference\") until a newer one is fetched"
        }
        return "catalog:     version \(version)\(fetched), expires \(expiresAt)"
    }
}
