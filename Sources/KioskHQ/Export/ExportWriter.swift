import Foundation

/// Turns exported records into JSON lines or CSV, buffered into pieces of about 64 KiB.
///
/// CSV follows RFC 4180 (a header row, fields quoted when they hold a comma, a quote or a line
/// break, CRLF line ends) and starts with a UTF-8 byte order mark so that spreadsheets read
/// Cyrillic and Lithuanian letters right. A cell that a spreadsheet would run as a formula
/// (starting with =, +, -, @, tab or carriage return: a phone number such as +380… among them)
/// is prefixed with an apostrophe, which spreadsheets show as text.
struct ExportWriter {
    let format: HQExport.Format
    let write: (String) throws -> Void
    private var buffer = ""

    init(format: HQExport.Format, write: @escaping (String) throws -> Void) {
        self.format = format
        self.write = write
    }

    /// The answers given a column of their own in CSV; every answer is also in the `answers` column.
    static let answerColumns = [
        "surname", "given_name", "patronymic", "birth_date", "sex", "rnokpp", "personal_code", "phone", "email",
        "region", "unit", "position",
    ]
    static let recordColumns = [
        "reference", "form_id", "form_version", "language", "submitted_at", "consent_version", "catalog_version",
    ]
    static var csvHeader: [String] {
        ["center", "batch", "received_at"] + recordColumns + answerColumns
            + ["same_number_count", "same_number_other_center", "answers"]
    }

    mutating func begin() throws {
        guard format == .csv else { return }
        buffer += "\u{FEFF}" + Self.csvLine(Self.csvHeader)
    }

    mutating func record(
        _ record: [String: Any], answers: [String: Any], batch: AcceptedBatch, sameNumber: Int, otherCenter: Bool
    ) throws {
        switch format {
        case .jsonl:
            var object = record
            object["center"] = batch.center
            object["batch"] = batch.sequence
            object["received_at"] = batch.receivedAt
            object["same_number_count"] = sameNumber
            object["same_number_other_center"] = otherCenter
            let data = try JSONSerialization.data(
                withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
            buffer += String(decoding: data, as: UTF8.self) + "\n"
        case .csv:
            let answersJSON = try JSONSerialization.data(withJSONObject: answers, options: [.sortedKeys])
            let cells =
                [batch.center, String(batch.sequence), batch.receivedAt]
                + Self.recordColumns.map { Self.text(record[$0]) } + Self.answerColumns.map { Self.text(answers[$0]) }
                + [String(sameNumber), otherCenter ? "yes" : "no", String(decoding: answersJSON, as: UTF8.self)]
            buffer += Self.csvLine(cells)
        }
        if buffer.utf8.count >= 64 << 10 { try flush() }
    }

    mutating func finish() throws {
        try flush()
    }

    private mutating func flush() throws {
        guard !buffer.isEmpty else { return }
        try write(buffer)
        buffer = ""
    }

    /// A JSON value as one cell: strings as they are, lists joined with "; ", numbers as digits.
    static func text(_ value: Any?) -> String {
        switch value {
        case let string as String: string
        case let list as [Any]: list.map { text($0) }.joined(separator: "; ")
        case let number as NSNumber: number.stringValue
        default: ""
        }
    }

    static func csvLine(_ cells: [String]) -> String {
        cells.map(csvCell).joined(separator: ",") + "\r\n"
    }

    static func csvCell(_ raw: String) -> String {
        var cell = raw
        if let first = cell.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) { cell = "'" + cell }
        guard cell.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return cell }
        return "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
