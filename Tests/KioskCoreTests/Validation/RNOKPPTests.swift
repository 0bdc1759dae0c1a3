import KioskCore
import Testing

/// Vectors checked independently (Python) with check = ((Σ d1…d9 × [-1,5,7,9,4,6,10,5,7]) mod 11) mod 10
/// and birth date = 1899-12-31 + d1…d5 days; several come from python-stdnum's ua.rntrc tests.
@Suite("RNOKPP")
struct RNOKPPTests {
    struct Vector: Sendable, CustomStringConvertible {
        let number: String
        let birthDate: String
        let sex: Sex
        var description: String { number }
    }

    static let valid: [Vector] = [
        Vector(number: "3652504575", birthDate: "2000-01-01", sex: .male),  // sum 214, 214 mod 11 = 5
        Vector(number: "1759013776", birthDate: "1948-02-28", sex: .male),  // sum 270 → 6 (python-stdnum)
        Vector(number: "1941106083", birthDate: "1953-02-22", sex: .female),  // sum 201 → 3 (python-stdnum)
        Vector(number: "2062412328", birthDate: "1956-06-19", sex: .female),  // sum 129 → 8 (python-stdnum)
        Vector(number: "3451517675", birthDate: "1994-07-01", sex: .male),  // sum 236 → 5 (python-stdnum)
        Vector(number: "3652500030", birthDate: "2000-01-01", sex: .male),  // sum 121, mod 11 = 0 → 0
        Vector(number: "3652500060", birthDate: "2000-01-01", sex: .female),  // sum 142, mod 11 = 10 → 0
        Vector(number: "9000000002", birthDate: "2146-05-30", sex: .female),  // sum -9, mod 11 = 2
        Vector(number: "0000100004", birthDate: "1900-01-01", sex: .female),  // first encodable day
        Vector(number: "9999999996", birthDate: "2173-10-14", sex: .male),  // last encodable day
    ]

    @Test("valid numbers give their birth date and sex", arguments: valid)
    func validNumbers(vector: Vector) throws {
        // When the number is parsed
        let number = try RNOKPP.parse(vector.number)
        // Then the digits, birth date and sex are decoded
        #expect(number.digits == vector.number)
        #expect(number.birthDate.description == vector.birthDate)
        #expect(number.sex == vector.sex)
    }

    @Test("surrounding spaces are trimmed")
    func trimsSpaces() throws {
        #expect(try RNOKPP.parse("  3652504575 \n").digits == "3652504575")
    }

    @Test(
        "anything but exactly ten ASCII digits is a format error",
        arguments: [
            "", "   ", "365250457", "36525045751", "36525O4575", "3652504575a", "+3652504575", "3652 504575",
            "3652-504575",
            "٣٦٥٢٥٠٤٥٧٥",  // Arabic-Indic digits
            "３６５２５０４５７５",  // full-width digits
        ])
    func formatErrors(text: String) {
        #expect(throws: ValidationFailure(.rnokppFormat)) { try RNOKPP.parse(text) }
    }

    @Test("a wrong check digit is a checksum error", arguments: ["1759013770", "3652504576", "3652504570"])
    func checksumErrors(text: String) {
        #expect(throws: ValidationFailure(.rnokppChecksum)) { try RNOKPP.parse(text) }
    }

    @Test("day 00000 is a date error even with a correct check digit", arguments: ["0000000000", "0000050008"])
    func zeroDate(text: String) {
        #expect(throws: ValidationFailure(.rnokppDate)) { try RNOKPP.parse(text) }
    }

    /// Numbers whose weighted sum is not 0 or 10 mod 11: for them every single-digit change is detected
    /// (each weight is non-zero mod 11, and only the remainders 0 and 10 share a check digit).
    static let singleErrorVectors = ["3652504575", "1759013776", "1941106083", "2062412328", "3451517675"]

    @Test("every single-digit change of a valid number fails the checksum", arguments: singleErrorVectors)
    func singleDigitChangesFail(valid: String) throws {
        // Given a valid number
        _ = try RNOKPP.parse(valid)
        var digits = Array(valid)
        for position in digits.indices {
            let original = digits[position]
            for replacement in "0123456789" where replacement != original {
                // When one digit is changed
                digits[position] = replacement
                let changed = String(digits)
                // Then the checksum rejects it
                #expect(throws: ValidationFailure(.rnokppChecksum), "\(changed)") { try RNOKPP.parse(changed) }
            }
            digits[position] = original
        }
    }
}
