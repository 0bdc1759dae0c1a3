import Foundation

/// Lithuanian personal code (asmens kodas), 11 digits G YYMMDD NNN C, which also encodes birth date and sex.
public struct LithuanianPersonalCode: Hashable, Sendable {
    /// The eleven digits, without spaces, as stored.
    public let digits: String
    /// The birth date from G and YYMMDD, to cross-check the form's date of birth.
    public let birthDate: CalendarDate
    /// The sex from G (odd male, even female), to cross-check the form's answer.
    public let sex: Sex

    private static let firstWeights = [1, 2, 3, 4, 5, 6, 7, 8, 9, 1]
    private static let secondWeights = [3, 4, 5, 6, 7, 8, 9, 1, 2, 3]

    /// Parses and checks a code, so typing mistakes are caught at the kiosk rather than at the office.
    ///
    /// Trims surrounding spaces. Throws, checked in this order: "lt_code.format" unless 11 ASCII digits
    /// starting with 1...6, "lt_code.checksum" when the check digit is wrong, "lt_code.date" when
    /// YYMMDD is not a real day. G: 1/2 = 1800s, 3/4 = 1900s, 5/6 = 2000s; odd male, even female.
    public static func parse(_ text: String) throws(ValidationFailure) -> LithuanianPersonalCode {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let values = trimmed.asciiDigitValues, values.count == 11, (1...6).contains(values[0]) else {
            throw ValidationFailure(.ltCodeFormat)
        }
        guard checkDigit(values) == values[10] else { throw ValidationFailure(.ltCodeChecksum) }
        let century = 1800 + (values[0] - 1) / 2 * 100
        guard
            let birthDate = CalendarDate(
                year: century + values[1] * 10 + values[2], month: values[3] * 10 + values[4],
                day: values[5] * 10 + values[6])
        else { throw ValidationFailure(.ltCodeDate) }
        return LithuanianPersonalCode(
            digits: trimmed, birthDate: birthDate, sex: values[0] % 2 == 1 ? .male : .female)
    }

    /// Weighted sum of d1...d10 mod 11 with the first weights, else the second, else 0 (the official rule).
    static func checkDigit(_ values: [Int]) -> Int {
        for weights in [firstWeights, secondWeights] {
            let remainder = zip(values, weights).reduce(0) { $0 + $1.0 * $1.1 } % 11
            if remainder != 10 { return remainder }
        }
        return 0
    }

    private init(digits: String, birthDate: CalendarDate, sex: Sex) {
        self.digits = digits
        self.birthDate = birthDate
        self.sex = sex
    }
}
