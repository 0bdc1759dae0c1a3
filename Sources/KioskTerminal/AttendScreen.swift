import KioskCore

/// Turns the form flow's steps into the lines shown at the kiosk.
///
/// Every text that comes from a file or from the applicant goes through
/// `TerminalText.escape`, so nothing stored or typed can move the cursor or change the
/// terminal. On a terminal too short for a long choice list the options are laid out in
/// columns so the question and the prompt stay on the screen. Pure: the caller wraps the lines
/// to the terminal's width (`LineWrapper`) and writes them.
public struct AttendScreen: Sendable {
    public let strings: InterfaceStrings
    /// The screen laid out for; a pipe or serial line without a size gets 80 columns.
    public var size: TerminalSize

    public init(strings: InterfaceStrings, size: TerminalSize = .fallback) {
        self.strings = strings
        self.size = size
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
        if let statement = question.statement {
            lines.append(TerminalText.escape(statement.title))
            lines += statement.text.split(separator: "\n", omittingEmptySubsequences: false).map {
                "  " + TerminalText.escape(String($0))
            }
            lines.append("")
        }
        lines.append(TerminalText.escape(question.label))
        lines += question.hints.map { "  " + TerminalText.escape($0) }
        var after: [String] = []
        if let current = question.current {
            after.append("  " + text(.promptCurrent, ["value": current]))
        }
        if question.number == 1 {
            after.append("  " + text(.promptCommands))
        }
        if let notice = question.notice {
            after += self.lines(for: notice)
        }
        let options = question.options.enumerated().map { offset, option in
            "\(offset + 1)) \(TerminalText.escape(option))"
        }
        // The rows left for the options once the rest and the prompt line are on the screen.
        let fixed = LineWrapper.wrap(lines + after, width: size.columns).count + 1
        return lines + Self.optionLines(options, width: size.columns, rows: size.rows.map { $0 - fixed }) + after
    }

    /// Numbered options one a line, or, when they would not fit in `rows`, in as few columns as
    /// make them fit (filled top to bottom, then left to right) within `width`.
    static func optionLines(_ options: [String], width: Int, rows: Int?) -> [String] {
        let single = options.map { "  " + $0 }
        guard let rows, options.count > 1,
            LineWrapper.wrap(single, width: width).count > rows
        else { return single }
        let cell = (options.map(\.count).max() ?? 0) + 2
        let most = max(1, (width - 2) / cell)
        guard most >= 2 else { return single }
        let columns = (2...most).first { (options.count + $0 - 1) / $0 <= rows } ?? most
        let height = (options.count + columns - 1) / columns
        return (0..<height).map { row in
            let cells = stride(from: row, to: options.count, by: height).map { options[$0] }
            var line = "  " + cells.dropLast().map { ReviewScreen.fit($0, cell) }.joined()
            line += cells.last ?? ""
            return line
        }
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
