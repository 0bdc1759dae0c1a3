import KioskCore

/// Turns the form flow's steps into the lines shown at the kiosk.
///
/// Every text that comes from a file or from the applicant goes through
/// `TerminalText.escape`, so nothing stored or typed can move the cursor or change the
/// terminal. Pure: the caller writes the lines.
public struct AttendScreen: Sendable {
    public let strings: InterfaceStrings

    public init(strings: InterfaceStrings) {
        self.strings = strings
    }

    /// The prompt marker shown where the applicant types.
    public static let prompt = "> "

    /// The welcome screen: title and intro in each offered language, then the language menu.
    public static func welcome(title: [String], intro: [String], choose: String, languages: [Language]) -> [String] {
        var lines = title.map(TerminalText.escape) + [""] + intro.map(TerminalText.escape) + [""]
        lines.append(TerminalText.escape(choose))
        for (offset, language) in languages.enumerated() {
            lines.append("  \(offset + 1)) \(language.nativeName)")
        }
        return lines
    }

    public func lines(for step: FormStep) -> [String] {
        switch step {
        case .ask(let question): lines(for: question)
        case .review(let sheet): lines(for: sheet)
        case .confirmCancel(let notice): [text(.cancelConfirm)] + (notice.map(lines(for:)) ?? [])
        case .cancelled: [text(.cancelDone)]
        case .submit: []
        }
    }

    /// The screen after the commit returned: the reference number and what to bring.
    public func stored(reference: String, bringToDesk: String) -> [String] {
        [
            "", text(.doneStored), "",
            "    " + text(.doneReference, ["reference": reference]), "",
            text(.doneBring),
        ]
            + bringToDesk.split(separator: "\n", omittingEmptySubsequences: false).map {
                "  " + TerminalText.escape(String($0))
            } + ["", text(.donePressEnter)]
    }

    func lines(for question: Question) -> [String] {
        var lines = ["", text(.promptQuestionOf, ["number": "\(question.number)", "total": "\(question.total)"])]
        lines.append(TerminalText.escape(question.label))
        lines += question.hints.map { "  " + TerminalText.escape($0) }
        for (offset, option) in question.options.enumerated() {
            lines.append("  \(offset + 1)) \(TerminalText.escape(option))")
        }
        if let current = question.current {
            lines.append("  " + text(.promptCurrent, ["value": current]))
        }
        if question.number == 1 {
            lines.append("  " + text(.promptCommands))
        }
        if let notice = question.notice {
            lines += self.lines(for: notice)
        }
        return lines
    }

    func lines(for sheet: ReviewSheet) -> [String] {
        var lines = ["", TerminalText.escape(sheet.title), ""]
        let width = String(sheet.entries.count).count
        for entry in sheet.entries {
            let number = String(repeating: " ", count: width - String(entry.number).count) + "\(entry.number)"
            lines.append("\(number). \(TerminalText.escape(entry.label)): \(TerminalText.escape(entry.value))")
        }
        lines += ["", TerminalText.escape(sheet.instructions)]
        if let notice = sheet.notice {
            lines += self.lines(for: notice)
        }
        return lines
    }

    func lines(for notice: Notice) -> [String] {
        switch notice {
        case .error(let message): message.split(separator: "\n").map { "! " + TerminalText.escape(String($0)) }
        case .info(let message): message.split(separator: "\n").map { "i " + TerminalText.escape(String($0)) }
        }
    }

    /// A message from the strings file; placeholder values are escaped before they are inserted.
    public func text(_ key: InterfaceStrings.Key, _ arguments: [String: String] = [:]) -> String {
        TerminalText.escape(strings.format(key, arguments.mapValues(TerminalText.escape)))
    }
}
