/// A validation failure: a stable code looked up in the interface strings ("error.<code>") plus
/// arguments for {placeholders}. Never holds the rejected input, because that is personal data.
public struct ValidationFailure: Error, Equatable, Sendable, CustomStringConvertible {
    /// The stable code, so the interface can show the message in the applicant's language.
    public let code: String
    /// Values for the message's {placeholders} (limits such as "min"), never the applicant's input.
    public let arguments: [String: String]

    /// Creates a failure from a code and its placeholder values, so callers name errors, not texts.
    public init(_ code: String, _ arguments: [String: String] = [:]) {
        self.code = code
        self.arguments = arguments
    }

    /// The code and its sorted arguments, e.g. "age.too_young(min=18)", safe to log because it has no input.
    public var description: String {
        guard !arguments.isEmpty else { return code }
        let pairs = arguments.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        return "\(code)(\(pairs.joined(separator: ", ")))"
    }
}
