/// Wraps lines at word boundaries to the terminal's width, so the terminal never cuts a word.
///
/// A continuation line keeps the indentation of the line it continues, including a leading
/// marker: "  1) ", "12. ", "! ", "i ", "- " and "> " are followed by text that wraps under
/// the text, not under the marker. Widths count characters (grapheme clusters): Latin,
/// Cyrillic and Lithuanian letters, with their combining marks, take one column each. A word
/// longer than a whole line is cut where the line ends. Lines must already be escaped
/// (`TerminalText.escape`), so no cut can split an escape sequence into something live.
public enum LineWrapper {
    /// Every line of `lines` wrapped to `width` columns.
    public static func wrap(_ lines: [String], width: Int) -> [String] {
        lines.flatMap { wrap($0, width: width) }
    }

    /// `line` as one or more lines of at most `width` columns; trailing blanks dropped.
    public static func wrap(_ line: String, width: Int) -> [String] {
        guard line.count > width, width > 0 else { return [line] }
        let indent = hangingIndent(of: line)
        // Too narrow for the indentation to leave room for text: continue at the margin.
        let continuation = indent <= width / 2 ? String(repeating: " ", count: indent) : ""
        let head = String(line.prefix(indent))
        let words = line.dropFirst(indent).split(separator: " ", omittingEmptySubsequences: true)

        var result: [String] = []
        var current = head
        var currentHasWord = false
        for var word in words.map(String.init) {
            while true {
                let separator = currentHasWord ? 1 : 0
                if current.count + separator + word.count <= width {
                    current += (currentHasWord ? " " : "") + word
                    currentHasWord = true
                    break
                }
                if currentHasWord {
                    result.append(current)
                    current = continuation
                    currentHasWord = false
                    continue
                }
                // A word longer than the room on an empty line: cut it at the line's end.
                let room = max(1, width - current.count)
                current += word.prefix(room)
                word = String(word.dropFirst(room))
                result.append(current)
                current = continuation
                if word.isEmpty { break }
            }
        }
        if currentHasWord || result.isEmpty { result.append(current) }
        return result.map { line in
            var line = line
            while line.last == " " { line.removeLast() }
            return line
        }
    }

    /// The columns before a line's text: its leading spaces and a list or notice marker.
    static func hangingIndent(of line: String) -> Int {
        let characters = Array(line)
        var index = 0
        while index < characters.count, characters[index] == " " { index += 1 }
        let spaces = index
        // "12) " or "12. "
        var digits = index
        while digits < characters.count, characters[digits].isASCII, characters[digits].isNumber { digits += 1 }
        if digits > index, digits + 1 < characters.count, characters[digits] == ")" || characters[digits] == ".",
            characters[digits + 1] == " "
        {
            return skipSpaces(characters, from: digits + 1)
        }
        // "! ", "i ", "- ", "> "
        if index + 1 < characters.count, "!i->".contains(characters[index]), characters[index + 1] == " " {
            return skipSpaces(characters, from: index + 1)
        }
        return spaces
    }

    private static func skipSpaces(_ characters: [Character], from start: Int) -> Int {
        var index = start
        while index < characters.count, characters[index] == " " { index += 1 }
        return index
    }
}
