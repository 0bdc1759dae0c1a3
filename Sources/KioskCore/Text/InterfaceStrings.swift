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

    /// The kiosk's own texts; the raw value is the key in `Kiosk/strings/<lang>.json`.
    public enum Key: String, Sendable, CaseIterable {
        case welcomeTitle = "welcome.title"
        case welcomeIntro = "welcome.intro"
        case welcomeChooseLanguage = "welcome.choose_language"
        case welcomeInvalidLanguage = "welcome.invalid_language"
        case promptCommands = "prompt.commands"
        case promptOptional = "prompt.optional"
        case promptChooseOne = "prompt.choose_one"
        case promptChooseMany = "prompt.choose_many"
        case promptYesNo = "prompt.yes_no"
        case promptDateFormat = "prompt.date_format"
        case promptNoHelp = "prompt.no_help"
        case promptConsentText = "prompt.consent_text"
        case promptQuestionOf = "prompt.question_of"
        case promptCurrent = "prompt.current"
        case wordsYes = "words.yes"
        case wordsNo = "words.no"
        case wordsBack = "words.back"
        case wordsHelp = "words.help"
        case wordsReview = "words.review"
        case wordsCancel = "words.cancel"
        case wordsConfirm = "words.confirm"
        case choiceNoPreference = "choice.no_preference"
        case reviewTitle = "review.title"
        case reviewInstructions = "review.instructions"
        case reviewNotGiven = "review.not_given"
        case reviewUnknownNumber = "review.unknown_number"
        case cancelConfirm = "cancel.confirm"
        case cancelDone = "cancel.done"
        case cancelKept = "cancel.kept"
        case doneStored = "done.stored"
        case doneReference = "done.reference"
        case doneBring = "done.bring"
        case donePressEnter = "done.press_enter"
        case errorStoreFailed = "error.store_failed"
        case backAtStart = "back.at_start"
        case serviceOutOfService = "service.out_of_service"
        case inputTooLong = "input.too_long"
        case inputInvalidUTF8 = "input.invalid_utf8"
        case inputControlCharacters = "input.control_characters"
    }

    /// The text for `key` with `{placeholders}` replaced.
    public func format(_ key: Key, _ arguments: [String: String] = [:]) -> String {
        format(raw: key.rawValue, arguments)
    }

    /// The text for a key by its name in the file; a missing key shows as itself.
    func format(raw key: String, _ arguments: [String: String] = [:]) -> String {
        var text = texts[key] ?? key
        for (name, value) in arguments {
            text = text.replacingOccurrences(of: "{\(name)}", with: value)
        }
        return text
    }

    /// The message for a validation failure, in this language.
    public func message(for failure: ValidationFailure) -> String {
        format(raw: "error.\(failure.code.rawValue)", failure.arguments)
    }

    /// The words (comma-separated in the file) that mean a command, in this language and in English.
    public func words(_ key: Key) -> [String] {
        (texts[key.rawValue] ?? "").split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        }.filter { !$0.isEmpty }
    }

    /// Keys every strings file must define.
    public static let requiredKeys: [String] =
        Key.allCases.map(\.rawValue) + ConsoleKey.allCases.map(\.rawValue)
        + ValidationFailure.Code.allCases.map { "error.\($0.rawValue)" }
}
