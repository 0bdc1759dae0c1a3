import Foundation

extension DecodingError {
    /// "key \"form\": expected String" and the like, for configuration messages.
    var humanReadable: String {
        switch self {
        case .typeMismatch(let type, let context):
            "key \"\(context.codingPath.map(\.stringValue).joined(separator: "."))\": wrong type, expected \(type)"
        case .valueNotFound(let type, let context):
            "key \"\(context.codingPath.map(\.stringValue).joined(separator: "."))\": missing value, expected \(type)"
        case .keyNotFound(let key, _):
            "missing key \"\(key.stringValue)\""
        case .dataCorrupted(let context):
            context.debugDescription
        @unknown default:
            "\(self)"
        }
    }
}
