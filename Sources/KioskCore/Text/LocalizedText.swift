import Foundation

/// A text given in several interface languages, as written in a form definition.
///
/// Decodes from a JSON object such as `{"uk": "Прізвище", "en": "Surname", "lt": "Pavardė"}`.
public struct LocalizedText: Hashable, Sendable, Codable {
    public var values: [Language: String]

    public init(_ values: [Language: String]) {
        self.values = values
    }

    public init(from decoder: any Decoder) throws {
        values = try decoder.singleValueContainer().decode([Language: String].self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(values)
    }

    /// The text in `language`, else English, else any translation; a checked definition has all.
    public func resolve(_ language: Language) -> String {
        values[language] ?? values[.en] ?? values.values.first ?? ""
    }

    /// The languages in `languages` that have no (or an empty) translation.
    public func missing(in languages: [Language]) -> [Language] {
        languages.filter { (values[$0] ?? "").trimmingCharacters(in: .whitespaces).isEmpty }
    }
}
