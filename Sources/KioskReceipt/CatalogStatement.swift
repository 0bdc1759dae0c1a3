import Foundation
import KioskCore
import KioskCrypto
import KioskSupport

/// Headquarters' statement of the vacancies: one version of the unit catalog, for which
/// centers, until when. Kiosks offer its positions only while it is current.
///
/// Its bytes are canonical JSON (keys sorted, compact, one trailing newline) so that a
/// signature covers exactly one meaning; `decode(_:)` accepts those bytes and nothing else.
public struct CatalogStatement: Codable, Equatable, Sendable {
    /// The value of `format` for this version of the statement.
    public static let formatName = "kiosk-catalog/1"

    /// Always `formatName`.
    public var format: String
    /// 1, 2, 3 ... in publishing order; a kiosk keeps only a version newer than the one it holds.
    public var version: Int
    /// The centers it is for, sorted; empty means every center.
    public var centers: [String]
    /// When headquarters published it, UTC, whole seconds.
    public var issuedAt: String
    /// After this, kiosks stop offering its positions (applicants can still choose "no preference").
    public var expiresAt: String
    /// Fingerprint of headquarters' receipt key, which signs it.
    public var keyFingerprint: String
    /// The units and positions, in the format of `Kiosk/units.json`.
    public var catalog: UnitCatalog

    public init(
        version: Int, centers: [String], issuedAt: Date, expiresAt: Date, keyFingerprint: String,
        catalog: UnitCatalog
    ) {
        format = Self.formatName
        self.version = version
        self.centers = Array(Set(centers)).sorted()
        self.issuedAt = RFC3339.format(issuedAt)
        self.expiresAt = RFC3339.format(expiresAt)
        self.keyFingerprint = keyFingerprint
        self.catalog = catalog
    }

    /// Whether `center` is one the statement is for.
    public func covers(_ center: String) -> Bool {
        centers.isEmpty || centers.contains(center)
    }

    /// Whether the statement has expired at `now`.
    public func isExpired(at now: Date) -> Bool {
        guard let expiry = RFC3339.parse(expiresAt) else { return true }
        return now >= expiry
    }

    /// The canonical bytes that headquarters signs.
    public func encoded() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Plain strings, integers and booleans only: encoding cannot fail.
        return Array((try? encoder.encode(self)) ?? Data()) + [0x0A]
    }

    /// Parses statement bytes strictly: valid values, a checked catalog, and exactly the canonical form.
    public static func decode(_ bytes: [UInt8]) throws(ReceiptError) -> CatalogStatement {
        guard bytes.count <= maxBytes else {
            throw ReceiptError("the catalog is \(bytes.count) bytes, over the limit of \(maxBytes)")
        }
        let statement: CatalogStatement
        do {
            statement = try JSONDecoder().decode(CatalogStatement.self, from: Data(bytes))
        } catch {
            throw ReceiptError("the catalog is not a \(formatName) JSON object")
        }
        try statement.validate()
        guard statement.encoded() == bytes else {
            throw ReceiptError("the catalog is not in canonical form (sorted keys, compact, one trailing newline)")
        }
        return statement
    }

    /// The largest statement a kiosk accepts.
    public static let maxBytes = 1_048_576

    /// Checks every field and the catalog itself (as `units.json` is checked).
    public func validate() throws(ReceiptError) {
        guard format == Self.formatName else { throw ReceiptError("the catalog's format is not \(Self.formatName)") }
        guard version >= 1 else { throw ReceiptError("the catalog's version is not 1 or more") }
        guard centers.allSatisfy(CenterCode.isValid), centers == Array(Set(centers)).sorted() else {
            throw ReceiptError("the catalog's centers are not sorted, distinct center codes")
        }
        guard Hex.isSHA256(keyFingerprint) else {
            throw ReceiptError("the catalog's key_fingerprint is not 64 lower-case hex digits")
        }
        guard let issued = RFC3339.parse(issuedAt), let expiry = RFC3339.parse(expiresAt), expiry > issued else {
            throw ReceiptError("the catalog's issued_at and expires_at are not UTC times with expiry after issue")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do {
            _ = try DefinitionLoader.catalog(from: try encoder.encode(catalog), file: "catalog version \(version)")
        } catch let error as DefinitionError {
            throw ReceiptError("the catalog's units are refused: \(error)")
        } catch {
            throw ReceiptError("the catalog's units cannot be read")
        }
    }

    enum CodingKeys: String, CodingKey {
        case format, version, centers, catalog
        case issuedAt = "issued_at"
        case expiresAt = "expires_at"
        case keyFingerprint = "key_fingerprint"
    }
}

/// A catalog statement's exact bytes and headquarters' Ed25519 signature over them: the body of
/// `GET /v1/centers/{center}/catalog`, and what a kiosk keeps once it verified it.
public struct SignedCatalog: Equatable, Sendable {
    /// The canonical statement bytes, as signed.
    public let bytes: [UInt8]
    /// The 64-byte Ed25519 signature over `bytes`.
    public let signature: [UInt8]

    public init(bytes: [UInt8], signature: [UInt8]) {
        self.bytes = bytes
        self.signature = signature
    }

    /// Signs `statement` with headquarters' receipt key.
    public static func sign(_ statement: CatalogStatement, with key: Ed25519PrivateKey) throws -> SignedCatalog {
        try statement.validate()
        let bytes = statement.encoded()
        return SignedCatalog(bytes: bytes, signature: try key.signature(for: bytes))
    }

    /// Verifies the signature with the pinned key and decodes the statement; refuses one that
    /// names another key or is not for `center`.
    public func verified(with key: Ed25519PublicKey, center: String) throws(ReceiptError) -> CatalogStatement {
        guard key.isValidSignature(signature, for: bytes) else {
            throw ReceiptError(
                "the catalog's signature does not verify with the pinned headquarters key \(key.fingerprint)")
        }
        let statement = try CatalogStatement.decode(bytes)
        guard statement.keyFingerprint == key.fingerprint else {
            throw ReceiptError(
                "the catalog names key \(statement.keyFingerprint), not the pinned headquarters key \(key.fingerprint)")
        }
        guard statement.covers(center) else {
            throw ReceiptError(
                "catalog version \(statement.version) is for \(statement.centers.joined(separator: ", ")), "
                    + "not for this center \(center)")
        }
        return statement
    }

    /// The HTTP body: `{"catalog":"<base64>","signature":"<base64>"}` and a newline.
    public func wireBody() -> [UInt8] {
        SignedEnvelope.body(name: "catalog", bytes: bytes, signature: signature)
    }

    /// Parses an HTTP body or the kiosk's stored copy; refuses anything but the envelope.
    public init(wireBody: [UInt8]) throws(ReceiptError) {
        let (bytes, signature) = try SignedEnvelope.parse(
            wireBody, name: "catalog", what: "a signed catalog", maxBytes: CatalogStatement.maxBytes * 2)
        self.init(bytes: bytes, signature: signature)
    }
}
