import Foundation
import KioskApp
import KioskCore
import KioskTestSupport
import Testing

/// The kiosk's phone check against libphonenumber itself (its Python port `phonenumbers`), on
/// 20,000 random Ukrainian and Lithuanian numbers, with the plan the kiosk loads from `Kiosk/`.
struct PhoneNumberConformanceTests {
    struct Row: Decodable {
        let input: String
        let region: String
        /// The E.164 form when libphonenumber says it is a valid mobile of `region`.
        let mobile: String?
    }

    @Test func theKioskAcceptsExactlyTheMobilesLibphonenumberAccepts() throws {
        let numbers = try KioskResources.load(from: Repository.kioskFolder, source: "test").numbers
        let rows = try Conformance.rows("phone_corpus.py", ["--count", "20000"], as: Row.self)
        #expect(rows.count == 20000)
        #expect(rows.filter { $0.mobile == nil }.count > 5000, "the corpus must hold many non-mobiles")
        #expect(rows.filter { $0.mobile != nil }.count > 2000, "the corpus must hold many mobiles")

        var disagreements: [String] = []
        for row in rows {
            let kiosk: String?
            do {
                kiosk = try PhoneNumber.normalize(
                    row.input, plan: numbers, allowedCountries: [row.region], defaultCountry: row.region)
            } catch {
                kiosk = nil
            }
            if kiosk != row.mobile {
                disagreements.append(
                    "\(row.input) (\(row.region)): kiosk \(kiosk ?? "refused"), libphonenumber \(row.mobile ?? "not a mobile")"
                )
            }
        }
        #expect(disagreements.isEmpty, "\(disagreements.count) disagreements, e.g. \(disagreements.prefix(5))")
    }

    @Test func aNumberOfTheOtherCountryIsRefusedWhenOnlyOneIsAllowed() throws {
        let numbers = try KioskResources.load(from: Repository.kioskFolder, source: "test").numbers
        let rows = try Conformance.rows("phone_corpus.py", ["--count", "2000", "--seed", "7"], as: Row.self)
        for row in rows where row.mobile != nil {
            let other = row.region == "UA" ? "LT" : "UA"
            #expect(throws: ValidationFailure.self, "\(row.input)") {
                try PhoneNumber.normalize(row.input, plan: numbers, allowedCountries: [other], defaultCountry: other)
            }
        }
    }
}
