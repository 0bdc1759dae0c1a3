/// A stored answer: one value, or several for a multi-choice field.
///
/// Encodes as a JSON string or an array of strings. Choice answers hold the choice's
/// stable `value`, never its translated label.
public enum AnswerValue: Sendable, Hashable, Codable {
    case single(String)
    case multiple([String])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let values = try? container.decode([String].self) {
            self = .multiple(values)
        } else {
            self = .single(try container.decode(String.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .single(let value): try container.encode(value)
        case .multiple(let values): try container.encode(values)
        }
    }

    /// The values, one or many, for conditions and display.
    public var values: [String] {
        switch self {
        case .single(let value): [value]
        case .multiple(let values): values
        }
    }

    public var single: String? {
        if case .single(let value) = self { value } else { nil }
    }
}
