import Foundation
import KioskReceipt

/// `GET /v1/centers/{center}/catalog` over the upload's HTTPS connection settings: the newest
/// signed unit catalog headquarters published for the center, verified with the pinned key.
public enum CatalogDownload {
    /// The verified catalog, or nil when headquarters has none for the center (404).
    public static func fetch(
        settings: UploadSettings, center: String
    ) async throws(UploadFailure) -> (SignedCatalog, CatalogStatement)? {
        let client = try HQClient(settings: settings)
        let answer: (status: Int, body: [UInt8])
        do {
            answer = try await client.catalog(center: center, deadline: settings.readTimeout)
        } catch {
            await client.shutdown()
            throw error
        }
        await client.shutdown()
        let host = settings.hqURL.host ?? "?"
        switch answer.status {
        case 200:
            do {
                let signed = try SignedCatalog(wireBody: answer.body)
                return (signed, try signed.verified(with: settings.receiptKey, center: center))
            } catch {
                throw UploadFailure(.badReceipt, "catalog refused, nothing changed: \(error)")
            }
        case 404 where IntakeProblem(wireBody: answer.body)?.error == "no-catalog":
            return nil
        case 500...599:
            throw UploadFailure(
                .serverError, "headquarters \(host) failed to give the catalog (HTTP \(answer.status))",
                status: answer.status)
        default:
            let detail = IntakeProblem(wireBody: answer.body)?.message ?? "HTTP \(answer.status)"
            throw UploadFailure(
                .refused, "headquarters \(host) refused the catalog request: \(detail)", status: answer.status)
        }
    }
}
