import Foundation
import KioskApp
import KioskReceipt
import KioskUpload

/// Fetches headquarters' catalog and keeps it only when it verified and is newer than the held one.
package enum CatalogUpdate {
    /// What a fetch did, as one line for the operator.
    package enum Outcome: Sendable, Equatable {
        /// A newer catalog is held now.
        case updated(from: Int, to: Int, expiresAt: String)
        /// Headquarters' newest catalog is the one held.
        case unchanged(version: Int)
        /// Headquarters has none for this center; the held (or local) catalog stays.
        case nonePublished(held: Int)

        package var summary: String {
            switch self {
            case .updated(let from, let to, let expiresAt):
                "catalog: version \(to) stored (was \(from == 0 ? "local units.json" : "version \(from)")), "
                    + "offered from the next applicant on, expires \(expiresAt)"
            case .unchanged(let version): "catalog: version \(version) is current"
            case .nonePublished(let held):
                "catalog: headquarters publishes none for this center; "
                    + (held == 0 ? "the local units.json stays in use" : "version \(held) stays in use")
            }
        }
    }

    /// Fetches, verifies, compares and stores; throws (changing nothing) for a bad signature,
    /// another center's catalog, or a version not newer than the one held (a replay).
    package static func run(context: KioskContext, settings: UploadSettings) async throws(UploadFailure) -> Outcome {
        let file = HeldCatalog.url(in: context.folder)
        let center = context.config.center
        let held: HeldCatalog?
        do {
            held = try HeldCatalog.load(from: file, center: center, key: settings.receiptKey)
        } catch {
            // A held file that no longer verifies is replaced by whatever good catalog comes.
            held = nil
        }
        let heldVersion = held?.statement.version ?? 0
        guard let fetched = try await CatalogDownload.fetch(settings: settings, center: center) else {
            return .nonePublished(held: heldVersion)
        }
        let (signed, statement) = fetched
        // Said even when it is the one held: the kiosk offers no position until headquarters publishes again.
        if statement.isExpired(at: Date()) {
            throw UploadFailure(
                .badReceipt,
                "catalog refused, nothing changed: headquarters' newest catalog, version \(statement.version), "
                    + "expired at \(statement.expiresAt); no position is offered until a current one is published")
        }
        if statement.version == heldVersion, signed == held?.signed {
            return .unchanged(version: heldVersion)
        }
        guard statement.version > heldVersion else {
            throw UploadFailure(
                .badReceipt,
                "catalog refused, nothing changed: headquarters sent version \(statement.version), not newer than "
                    + "the version \(heldVersion) held (an old catalog replayed?)")
        }
        do {
            try HeldCatalog.store(signed, at: file)
        } catch {
            throw UploadFailure(.local, "cannot store the catalog in \(file.path): \(error)")
        }
        return .updated(from: heldVersion, to: statement.version, expiresAt: statement.expiresAt)
    }
}
