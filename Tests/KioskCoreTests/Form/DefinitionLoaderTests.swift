import Foundation
import Testing

@testable import KioskCore

@Suite("DefinitionLoader: the real Kiosk/ files")
struct DefinitionLoaderTests {
    @Test("the unit catalog loads: fictional, eight units, six for UA and two for LT")
    func catalog() throws {
        let catalog = try KioskFiles.catalog()
        #expect(catalog.fictional)
        #expect(catalog.units.count == 8)
        #expect(catalog.units.filter { $0.country == "UA" }.count == 6)
        #expect(catalog.units.filter { $0.country == "LT" }.count == 2)
        #expect(catalog.unit("demo-brigade-2")?.positions.map(\.id) == ["rifleman", "driver", "signaller", "mechanic"])
        #expect(catalog.unit(UnitCatalog.noPreference) == nil)
    }

    @Test("every form file under Kiosk/forms loads and its id is its file name")
    func everyForm() throws {
        // Given the files actually shipped
        let names = try FileManager.default.contentsOfDirectory(
            atPath: KioskFiles.kioskDirectory.appendingPathComponent("forms").path
        ).filter { $0.hasSuffix(".json") }.sorted()
        #expect(names == ["lt-volunteer.json", "ua-contract.json"])

        // Then each is accepted
        for name in names {
            let id = String(name.dropLast(".json".count))
            #expect(try KioskFiles.form(id).id == id)
        }
    }

    @Test("the ua-contract form has its fields, languages and consent")
    func uaContract() throws {
        let form = try KioskFiles.form("ua-contract")
        #expect(form.version == 1)
        #expect(form.country == "UA")
        #expect(form.languages == [.uk, .en, .lt])
        #expect(form.birthDateField == "birth_date")
        #expect(form.consent.version == "2026-11-uk-1")
        #expect(form.fields.count == 21)
        #expect(form.fields.first?.id == "surname")
        #expect(form.fields.last?.id == "consent")
        #expect(form.field("patronymic")?.required == false)
        #expect(form.field("surname")?.required == true)
        #expect(form.field("rnokpp")?.validators == [.rnokpp(birthDateField: "birth_date", sexField: "sex")])
        #expect(form.field("prior_rank")?.showIf == FieldCondition(field: "prior_service", equals: "yes"))
        #expect(form.field("position")?.choicesFrom == .unitPositions)
        #expect(form.field("service_type")?.choices?.last?.age == AgeRange(min: 18, max: 24))
    }

    @Test("the lt-volunteer form is for LT with the 18-38 age limit")
    func ltVolunteer() throws {
        let form = try KioskFiles.form("lt-volunteer")
        #expect(form.country == "LT")
        #expect(form.languages.first == .lt)
        #expect(form.consent.version == "2026-11-lt-1")
        #expect(form.field("birth_date")?.validators == [.age(AgeRange(min: 18, max: 38))])
        #expect(
            form.field("personal_code")?.validators
                == [.lithuanianPersonalCode(birthDateField: "birth_date", sexField: "sex")])
    }

    @Test("every strings file loads with every required key", arguments: Language.allCases)
    func strings(language: Language) throws {
        let strings = try KioskFiles.strings(language)
        #expect(strings.language == language)
        for key in InterfaceStrings.requiredKeys {
            #expect(strings.texts[key]?.isEmpty == false, "\(key) in \(language.rawValue)")
        }
        #expect(strings.words(.wordsYes).contains { !$0.isEmpty })
    }

    @Test("a DefinitionError reads file: location: problem")
    func errorDescription() {
        let error = DefinitionError(file: "forms/x.json", location: "field \"a\"", problem: "bad")
        #expect(error.description == "forms/x.json: field \"a\": bad")
        #expect(DefinitionError(file: "units.json", problem: "bad").description == "units.json: bad")
    }
}

@Suite("The shipped region list and phone plan")
struct ShippedDataTests {
    @Test func theRegionQuestionOffersEveryFirstLevelUnitOfUkraine() throws {
        // Constitution of Ukraine, art. 133: the Autonomous Republic of Crimea, 24 oblasts, and
        // the cities of Kyiv and Sevastopol.
        let form = try KioskFiles.form("ua-contract")
        let choices = try #require(form.field("region")?.choices)
        let values = Set(choices.map(\.value))
        #expect(choices.count == 27 && values.count == 27)
        #expect(values.isSuperset(of: ["crimea", "sevastopol-city", "kyiv-city"]))
        #expect(choices.filter { $0.label.resolve(.uk).hasSuffix(" область") }.count == 24)
        #expect(choices.first { $0.value == "crimea" }?.label.resolve(.uk) == "Автономна Республіка Крим")
    }

    @Test func thePhonePlanComesFromLibphonenumberForBothFormCountries() throws {
        let plan = try KioskFiles.numbers()
        #expect(plan.country("UA")?.callingCode == "380")
        #expect(plan.country("LT")?.callingCode == "370")
        #expect(!plan.libphonenumber.isEmpty)
    }

    @Test func aBrokenPhonePlanIsRefusedNamingTheCountry() {
        let broken = Data(
            #"{"libphonenumber":"x","countries":[{"region":"UA","calling_code":"380","trunk_prefixes":["0"],"mobile_pattern":"(","mobile_lengths":[9]}]}"#
                .utf8)
        #expect {
            try DefinitionLoader.mobileNumberPlan(from: broken, file: "phone-numbers.json")
        } throws: { error in
            "\(error)".contains("country \"UA\"") && "\(error)".contains("mobile_pattern")
        }
    }
}
