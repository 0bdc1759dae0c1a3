import Foundation

/// A calendar day with no time zone (birth dates, "today" at the kiosk), so ages never shift with the clock's zone.
public struct CalendarDate: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    /// The year, 1800...9999: old enough for any applicant's parent, small enough to stay four digits.
    public let year: Int
    /// The month, 1...12.
    public let month: Int
    /// The day of the month, 1...28/29/30/31 as the month allows.
    public let day: Int

    /// The earliest and latest days the kiosk handles; wider ranges only invite typing mistakes.
    static let supportedYears = 1800...9999

    /// Creates a day only if it exists in the Gregorian calendar (leap years included), so bad dates cannot be stored.
    public init?(year: Int, month: Int, day: Int) {
        guard Self.supportedYears.contains(year), (1...12).contains(month),
            (1...Self.daysInMonth(year: year, month: month)).contains(day)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses "YYYY-MM-DD" or "DD.MM.YYYY" (also "D.M.YYYY"), the two forms applicants and files use.
    ///
    /// Throws "date.format" when the shape is wrong and "date.invalid" when no such day exists.
    public static func parse(_ text: String) throws(ValidationFailure) -> CalendarDate {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let parts: (year: Int, month: Int, day: Int)
        if let iso = fields(trimmed, separator: "-", lengths: [4...4, 2...2, 2...2]) {
            parts = (iso[0], iso[1], iso[2])
        } else if let dotted = fields(trimmed, separator: ".", lengths: [1...2, 1...2, 4...4]) {
            parts = (dotted[2], dotted[1], dotted[0])
        } else {
            throw ValidationFailure(.dateFormat)
        }
        guard let date = CalendarDate(year: parts.year, month: parts.month, day: parts.day) else {
            throw ValidationFailure(.dateInvalid)
        }
        return date
    }

    /// The calendar day of an instant in a zone, so "today" is the day on the kiosk's wall calendar.
    ///
    /// Instants outside the supported years are clamped to its first or last day, so this never fails.
    public init(date: Date, timeZone: TimeZone) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.era, .year, .month, .day], from: date)
        guard parts.era == 1, let year = parts.year, let month = parts.month, let day = parts.day else {
            self = Self.first
            return
        }
        self =
            CalendarDate(year: year, month: month, day: day)
            ?? (year < Self.supportedYears.lowerBound ? Self.first : Self.last)
    }

    /// The day `days` after this one (before it when negative), for date windows and number decoding.
    ///
    /// Results outside the supported years are clamped to its first or last day, so this never fails.
    public func adding(days: Int) -> CalendarDate {
        let (sum, overflow) = dayNumber.addingReportingOverflow(days)
        if overflow { return days > 0 ? Self.last : Self.first }
        if sum < Self.first.dayNumber { return Self.first }
        if sum > Self.last.dayNumber { return Self.last }
        return CalendarDate(dayNumber: sum)
    }

    /// Full years completed on `today`, so a person born on 29 February comes of age on 1 March in common years.
    public func age(on today: CalendarDate) -> Int {
        let years = today.year - year
        return (today.month, today.day) < (month, day) ? years - 1 : years
    }

    /// "YYYY-MM-DD", zero-padded, the one form dates are stored and compared in.
    public var description: String {
        "\(Self.pad(year, 4))-\(Self.pad(month, 2))-\(Self.pad(day, 2))"
    }

    /// Orders days chronologically, so ranges and "in the future" checks read naturally.
    public static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    /// Decodes the single string "YYYY-MM-DD", so stored files stay readable and unambiguous.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let parts = Self.fields(text, separator: "-", lengths: [4...4, 2...2, 2...2]),
            let date = CalendarDate(year: parts[0], month: parts[1], day: parts[2])
        else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "Expected a real day as YYYY-MM-DD")
        }
        self = date
    }

    /// Encodes as the single string "YYYY-MM-DD", the same form `description` gives.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    // MARK: - Day numbers

    static let first = CalendarDate(checkedYear: 1800, month: 1, day: 1)
    static let last = CalendarDate(checkedYear: 9999, month: 12, day: 31)

    /// For constants known to be valid days.
    private init(checkedYear year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's days_from_civil).
    var dayNumber: Int {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * ((month + 9) % 12) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The day with the given `dayNumber`; callers keep it inside the supported years.
    private init(dayNumber: Int) {
        let shifted = dayNumber + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        self.init(
            checkedYear: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month: month,
            day: dayOfYear - (153 * shiftedMonth + 2) / 5 + 1)
    }

    // MARK: - Helpers

    private static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    private static func isLeap(_ year: Int) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    /// Splits `text` into numeric fields of ASCII digits with the given lengths, or nil if the shape differs.
    private static func fields(_ text: String, separator: Character, lengths: [ClosedRange<Int>]) -> [Int]? {
        let pieces = text.split(separator: separator, omittingEmptySubsequences: false)
        guard pieces.count == lengths.count else { return nil }
        var values: [Int] = []
        for (piece, length) in zip(pieces, lengths) {
            guard length.contains(piece.utf8.count), let digits = piece.asciiDigitValues else { return nil }
            values.append(digits.reduce(0) { $0 * 10 + $1 })
        }
        return values
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}

extension CalendarDate {
    /// Checks an age range against today; codes "date.future" (birth date after today),
    /// "age.too_young" ["min": "18"], "age.too_old" ["max": "60"]. Both bounds are inclusive.
    public func checkAge(on today: CalendarDate, min: Int?, max: Int?) throws(ValidationFailure) {
        if self > today { throw ValidationFailure(.dateFuture) }
        let age = age(on: today)
        if let min, age < min { throw ValidationFailure(.ageTooYoung, ["min": "\(min)"]) }
        if let max, age > max { throw ValidationFailure(.ageTooOld, ["max": "\(max)"]) }
    }
}

extension StringProtocol {
    /// The values of the characters if every one is an ASCII digit 0-9 (other scripts' digits excluded), else nil.
    var asciiDigitValues: [Int]? {
        var values: [Int] = []
        for byte in utf8 {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            values.append(Int(byte - UInt8(ascii: "0")))
        }
        return values
    }
}
