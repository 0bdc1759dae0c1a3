import KioskCore
import Testing

@Suite("ValidationFailure")
struct ValidationFailureTests {
    @Test("description is the bare code when there are no arguments")
    func descriptionWithoutArguments() {
        // Given a failure without arguments
        let failure = ValidationFailure(.rnokppChecksum)
        // Then its description is just the code
        #expect(failure.description == "rnokpp.checksum")
        #expect(failure.arguments.isEmpty)
    }

    @Test("description lists the arguments sorted by key")
    func descriptionWithArguments() {
        // Given failures with one and with several arguments
        let one = ValidationFailure(.ageTooYoung, ["min": "18"])
        let several = ValidationFailure(.choiceNotAllowedForAge, ["min": "18", "max": "60"])
        // Then the arguments follow the code in a stable order
        #expect(one.description == "age.too_young(min=18)")
        #expect(several.description == "choice.not_allowed_for_age(max=60, min=18)")
    }

    @Test("failures are equal only when code and arguments match")
    func equality() {
        #expect(ValidationFailure(.ageTooOld, ["max": "60"]) == ValidationFailure(.ageTooOld, ["max": "60"]))
        #expect(ValidationFailure(.ageTooOld, ["max": "60"]) != ValidationFailure(.ageTooOld, ["max": "55"]))
        #expect(ValidationFailure(.ageTooOld) != ValidationFailure(.ageTooYoung))
    }

    /// Distinctive rejected inputs, one or more per validator, paired with the call that rejects them.
    static let rejections: [(input: String, validate: @Sendable (String) throws -> Void)] = [
        ("3652504576", { _ = try RNOKPP.parse($0) }),
        ("36525X4575", { _ = try RNOKPP.parse($0) }),
        ("33309240065", { _ = try LithuanianPersonalCode.parse($0) }),
        ("2023-02-29", { _ = try CalendarDate.parse($0) }),
        ("31/12/1999", { _ = try CalendarDate.parse($0) }),
        ("ME654321", { _ = try UkrainianDocumentNumber.normalize($0, kind: .passport) }),
        ("98765432", { _ = try UkrainianDocumentNumber.normalize($0, kind: .idCard) }),
        (
            "+48601234567",
            {
                _ = try PhoneNumber.normalize(
                    $0, plan: try KioskFiles.numbers(), allowedCountries: ["UA"], defaultCountry: "UA")
            }
        ),
        ("secret..name@example.com", { _ = try EmailAddress.normalize($0) }),
        ("Olena7Petrenko", { _ = try PersonName.normalize($0, maxLength: 64) }),
        ("Oleksandra", { _ = try PersonName.normalize($0, maxLength: 3) }),
    ]

    @Test("no failure repeats the rejected input (it is personal data)", arguments: rejections.indices)
    func failureNeverContainsInput(index: Int) throws {
        // Given a rejected input
        let (input, validate) = Self.rejections[index]
        // When it is validated
        let failure = try #require(throws: ValidationFailure.self) { try validate(input) }
        // Then the failure names the problem without holding the input
        #expect(!failure.description.contains(input))
        #expect(!failure.arguments.values.contains { $0.contains(input) })
    }
}
