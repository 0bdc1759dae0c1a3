import Foundation

/// The intake endpoints and the JSON bodies that are not receipts, as kiosk and headquarters
/// both speak them.
public enum IntakeProtocol {
    /// The media type of a batch upload.
    public static let batchContentType = "application/x-tar"

    /// `/v1/centers/{center}/batches/{sequence}`: `PUT` the tar here.
    public static func batchPath(center: String, sequence: Int) -> String {
        "/v1/centers/\(center)/batches/\(sequence)"
    }

    /// `/v1/centers/{center}/catalog`: `GET` the newest signed unit catalog published for the center.
    public static func catalogPath(center: String) -> String {
        "/v1/centers/\(center)/catalog"
    }

    /// `/v1/centers/{center}/status`: the last accepted batch.
    public static func statusPath(center: String) -> String {
        "/v1/centers/\(center)/status"
    }
}

/// Why headquarters refused a request: `{"error":"...","message":"...","expected_sequence":N}`.
///
/// `error` is a stable word for programs; `message` is for the operator and never holds
/// personal data; `expected_sequence` is set when the sequence was wrong.
public struct IntakeProblem: Codable, Equatable, Sendable {
    public var error: String
    public var message: String
    public var expectedSequence: Int?

    public init(error: String, message: String, expectedSequence: Int? = nil) {
        self.error = error
        self.message = message
        self.expectedSequence = expectedSequence
    }

    enum CodingKeys: String, CodingKey {
        case error, message
        case expectedSequence = "expected_sequence"
    }

    /// The body, compact JSON with sorted keys and a newline.
    public func wireBody() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array((try? encoder.encode(self)) ?? Data(#"{"error":"internal","message":"?"}"#.utf8)) + [0x0A]
    }

    /// Reads a problem body, or nil when the body is something else (a proxy's page, say).
    public init?(wireBody: [UInt8]) {
        guard wireBody.count <= 65_536, let problem = try? JSONDecoder().decode(Self.self, from: Data(wireBody)) else {
            return nil
        }
        self = problem
    }
}

/// `GET /v1/centers/{center}/status`: where the center's chain stands at headquarters.
public struct CenterStatus: Codable, Equatable, Sendable {
    public var center: String
    /// 0 when nothing was accepted yet.
    public var lastSequence: Int
    public var lastManifestSHA256: String?
    public var lastReceivedAt: String?

    public init(center: String, lastSequence: Int, lastManifestSHA256: String?, lastReceivedAt: String?) {
        self.center = center
        self.lastSequence = lastSequence
        self.lastManifestSHA256 = lastManifestSHA256
        self.lastReceivedAt = lastReceivedAt
    }

    enum CodingKeys: String, CodingKey {
        case center
        case lastSequence = "last_sequence"
        case lastManifestSHA256 = "last_manifest_sha256"
        case lastReceivedAt = "last_received_at"
    }
}
