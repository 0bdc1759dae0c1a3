/// Text layout for the staff review console: columns that fit an 80-column terminal or
/// serial line, and small bar charts. Pure: the console builds lines, a writer prints them.
///
/// Widths count characters (extended grapheme clusters): Latin, Cyrillic and Lithuanian
/// letters take one column each, which is what the console shows. Cells must already be
/// escaped with `TerminalText.escape`, so nothing cut here can split an escape sequence.
public enum ReviewScreen {
    /// The width the console lays out for.
    public static let width = 80

    /// `text` cut to `width` characters (the last one becomes "…") or padded with spaces.
    public static func fit(_ text: String, _ width: Int) -> String {
        guard width > 0 else { return "" }
        if text.count > width {
            return String(text.prefix(width - 1)) + "…"
        }
        return text + String(repeating: " ", count: width - text.count)
    }

    /// `text` cut to at most `width` characters, not padded.
    public static func cut(_ text: String, _ width: Int) -> String {
        text.count > width ? String(text.prefix(max(0, width - 1))) + "…" : text
    }

    /// `text` right-aligned in `width` characters (cut when longer).
    public static func right(_ text: String, _ width: Int) -> String {
        text.count >= width ? String(text.suffix(width)) : String(repeating: " ", count: width - text.count) + text
    }

    /// One row of cells, each fitted to its width and separated by two spaces; the last
    /// cell is cut, not padded, and the row carries no trailing blanks.
    public static func row(_ cells: [(String, Int)]) -> String {
        var parts = cells.dropLast().map { fit($0.0, $0.1) }
        if let last = cells.last {
            parts.append(cut(last.0, last.1))
        }
        var line = parts.joined(separator: "  ")
        while line.last == " " {
            line.removeLast()
        }
        return line
    }

    /// A horizontal bar chart in `width` columns: `label |#####  count` per row, bars scaled
    /// to the largest count (a non-zero count always shows at least one mark).
    public static func barChart(_ rows: [(label: String, count: Int)], width: Int = ReviewScreen.width) -> [String] {
        let labelWidth = rows.map(\.label.count).max() ?? 0
        let countWidth = max(1, rows.map { String($0.count).count }.max() ?? 1)
        let barWidth = max(1, width - labelWidth - countWidth - 4)
        let largest = rows.map(\.count).max() ?? 0
        return rows.map { row in
            let marks = largest == 0 ? 0 : max(row.count > 0 ? 1 : 0, row.count * barWidth / largest)
            let bar = String(repeating: "#", count: marks) + String(repeating: " ", count: barWidth - marks)
            return "\(fit(row.label, labelWidth)) |\(bar) \(right(String(row.count), countWidth))"
        }
    }
}
