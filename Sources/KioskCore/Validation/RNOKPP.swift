import Foundation

/// Ukrainian taxpayer number (RNOKPP), 10 digits, which also encodes the holder's birth date and sex.
public struct RNOKPP: Hashable, Sendable {
    /// The ten digits, without spaces, as stored.
    public let digits: String
    /// The birth date from digits 1-5 (days since 1899-12-31), to cross-check the form's date of birth.
    public let birthDate: CalendarDate
    /// The sex from digit 9 (odd male, even female), to cross-check the form's answer.
    public let sex: Sex

    /// The day before the first encodable birth date (00001 = 1900-01-01).
    private static let epoch = CalendarDate(year: 1899, month: 12, day: 31)!
    private static let weights = [-1, 5, 7, 9, 4, 6, 10, 5, 7]

    /// Parses and checks a number, so typing mistakes are caught at the kiosk rather than at the office.
    ///
    /// Trims surrounding spaces. Throws, checked in this order: "rnokpp.format" unless exactly 10 ASCII
    /// digits, "rnokpp.checksum" when the check digit is wrong, "rnokpp.date" when digits 1-5 are 00000.
    public static func parse(_ text: String) throws(ValidationFailure) -> RNOKPP {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let values = trimmed.asciiDigitValues, values.count == 10 else {
            throw ValidationFailure(.rnokppFormat)
        }
        guard checkDigit(values) == values[9] else { throw ValidationFailure(.rnokppChecksum) }
        let days = values[0..<5].reduce(0) { $0 * 10 + $1 }
        guard days > 0 else { throw ValidationFailure(.rnokppDate) }
        return RNOKPP(
            digits: trimmed, birthDate: epoch.adding(days: days), sex: values[8] % 2 == 1 ? .male : .female)
    }

    /// ((sum of d1...d9 times the weights) mod 11, non-negative) mod 10.
    static func checkDigit(_ values: [Int]) -> Int {
        let sum = zip(values, weights).reduce(0) { $0 + $1.0 * $1.1 }
        return ((sum % 11 + 11) % 11) % 10
    }

    private init(digits: String, birthDate: CalendarDate, sex: Sex) {
        self.digits = digits
        self.birthDate = birthDate
        self.sex = sex
    }
}
