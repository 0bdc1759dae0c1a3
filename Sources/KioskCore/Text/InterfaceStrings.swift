import Foundation

/// The kiosk's own interface texts in one language, from `Kiosk/strings/<lang>.json`.
///
/// Texts may hold `{name}` placeholders filled by `format(_:_:)`. Every key in
/// `requiredKeys` must be present, so a missing translation is found at start, not by an
/// applicant.
public struct InterfaceStrings: Sendable, Hashable {
    public let language: Language
    public let texts: [String: String]

    public init(language: Language, texts: [String: String]) {
        self.language = language
        self.texts = texts
    }

    /// The text for `key` with `{placeholders}` replaced; a missing key shows as itself.
    public func format(_ key: String, _ arguments: [String: String] = [:]) -> String {
        var text = texts[key] ?? key
        for (name, value) in arguments {
            text = text.replacingOccurrences(of: "{\(name)}", with: value)
        }
        return text
    }

    /// The message for a validation failure, in this language.
    public func message(for failure: ValidationFailure) -> String {
        format("error.\(failure.code.rawValue)", failure.arguments)
    }

    /// The words (comma-separated in the file) that mean a command, in this language and in English.
    public func words(_ key: String) -> [String] {
        (texts[key] ?? "").split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        }.filter { !$0.isEmpty }
    }

    /// Keys every strings file must define.
    public static let requiredKeys: [String] =
        [
            "welcome.title", "welcome.intro", "welcome.choose_language", "welcome.invalid_language",
            "prompt.commands", "prompt.optional", "prompt.choose_one", "prompt.choose_many",
            "prompt.yes_no", "prompt.date_format", "prompt.no_help", "prompt.question_of", "prompt.current",
            "words.yes", "words.no", "words.back", "words.help", "words.review", "words.cancel",
            "words.confirm", "choice.no_preference",
            "review.title", "review.instructions", "review.not_given", "review.unknown_number",
            "cancel.confirm", "cancel.done", "cancel.kept",
            "done.stored", "done.reference", "done.bring", "done.press_enter",
            "error.store_failed", "back.at_start", "service.out_of_service",
            "input.too_long", "input.invalid_utf8", "input.control_characters",
        ] + ValidationFailure.Code.allCases.map { "error.\($0.rawValue)" }
}
