import KioskCore
import Testing

@Suite("EmailAddress")
struct EmailAddressTests {
    @Test(
        "valid addresses are trimmed and their domain lower-cased",
        arguments: [
            ("user@example.com", "user@example.com"),
            ("  John.Doe+tag@Example.COM \n", "John.Doe+tag@example.com"),
            ("a_b%c-d@sub.mail-server.lt", "a_b%c-d@sub.mail-server.lt"),
            ("x@x.ua", "x@x.ua"),
            ("1234@123.example.org", "1234@123.example.org"),
            ("o'brien@example.com", "o'brien@example.com"),
            ("user@example.c", "user@example.c"),
        ])
    func validAddresses(text: String, expected: String) throws {
        #expect(try EmailAddress.normalize(text) == expected)
    }

    @Test(
        "malformed addresses are format errors",
        arguments: [
            "", "   ", "plainaddress", "@example.com", "user@", "user@@example.com", "a@b@example.com",
            "user@localhost", "user@example.123", "user@printer.local", "user@-example.com", "user@example-.com",
            "user@exa_mple.com", "user@example..com", "user@.example.com", "user@example.com.", ".user@example.com",
            "user.@example.com", "us..er@example.com", "user name@example.com",
            "юзер@example.com", "user@example.com>", "<user@example.com>",
            "taras@xn--zz.xn--j1amh",  // an A-label that does not decode
            "taras@пош\u{200B}та.укр",  // a zero-width space inside a label
            "taras@пошта..укр", "taras@пошта.укр.", "taras@пошта",
        ])
    func formatErrors(text: String) {
        #expect(throws: ValidationFailure(.emailFormat)) { try EmailAddress.normalize(text) }
    }

    @Test(
        "internationalized domains are accepted in either form and stored in Unicode, lower case",
        arguments: [
            ("taras@пошта.укр", "taras@пошта.укр"),
            ("taras@xn--80a1acn3a.xn--j1amh", "taras@пошта.укр"),
            ("Taras@ПОШТА.УКР", "Taras@пошта.укр"),
            ("taras@xn--80a1acny.xn--j1amh", "taras@почта.укр"),
            ("jonas@žemė.lt", "jonas@žemė.lt"),
            ("jonas@XN--EM-9MA32B.LT", "jonas@žemė.lt"),
        ])
    func internationalDomains(text: String, expected: String) throws {
        #expect(try EmailAddress.normalize(text) == expected)
    }

    /// An address of `length` characters with a 64-character local part and labels of at most 63.
    private static func address(length: Int) -> String {
        let local = String(repeating: "a", count: 64)
        let fixed = local.count + "@".count + 63 + ".".count + 63 + ".".count + ".ua".count
        let last = String(repeating: "d", count: length - fixed)
        return "\(local)@\(String(repeating: "b", count: 63)).\(String(repeating: "c", count: 63)).\(last).ua"
    }

    @Test("254 characters are allowed, 255 are not")
    func maximumLength() throws {
        // Given addresses of exactly 254 and 255 characters
        let longest = Self.address(length: 254)
        let tooLong = Self.address(length: 255)
        try #require(longest.count == 254 && tooLong.count == 255)
        // Then only the first is accepted
        #expect(try EmailAddress.normalize(longest) == longest)
        #expect(throws: ValidationFailure(.emailFormat)) { try EmailAddress.normalize(tooLong) }
    }

    @Test("a local part over 64 characters or a label over 63 is refused")
    func partLengths() {
        let longLocal = String(repeating: "a", count: 65) + "@example.com"
        let longLabel = "user@" + String(repeating: "b", count: 64) + ".com"
        #expect(throws: ValidationFailure(.emailFormat)) { try EmailAddress.normalize(longLocal) }
        #expect(throws: ValidationFailure(.emailFormat)) { try EmailAddress.normalize(longLabel) }
        #expect(throws: Never.self) { try EmailAddress.normalize("user@" + String(repeating: "b", count: 63) + ".com") }
    }
}
