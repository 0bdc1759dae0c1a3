import Foundation
import Testing

@testable import KioskCore

/// The real operator files, changed in memory the way an operator might break them.
enum JSONEdit {
    struct Missing: Error, CustomStringConvertible {
        let description: String
    }

    static func object(_ relativePath: String) throws -> [String: Any] {
        let json = try JSONSerialization.jsonObject(with: try KioskFiles.data(relativePath))
        guard let object = json as? [String: Any] else {
            throw Missing(description: "\(relativePath) is not an object")
        }
        return object
    }

    static func encode(_ object: [String: Any]) throws -> Data {
        try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    }

    /// Changes the field with `id` in a form object.
    static func field(
        _ id: String, in form: inout [String: Any], _ change: (inout [String: Any]) throws -> Void
    )
        throws
    {
        guard var fields = form["fields"] as? [[String: Any]],
            let index = fields.firstIndex(where: { $0["id"] as? String == id })
        else { throw Missing(description: "no field \(id)") }
        try change(&fields[index])
        form["fields"] = fields
    }
}

@Suite("DefinitionLoader: broken definitions are refused with a precise error")
struct BrokenDefinitionTests {
    static let file = "forms/ua-contract.json"

    struct Breakage: Sendable, CustomTestStringConvertible {
        let name: String
        let change: @Sendable (inout [String: Any]) throws -> Void
        let location: String?
        /// Text the problem must contain, naming what is wrong.
        let problem: [String]
        var testDescription: String { name }
    }

    static let breakages: [Breakage] = [
        Breakage(
            name: "misspelt key requried",
            change: { form in
                try JSONEdit.field("patronymic", in: &form) { field in
                    field["requried"] = field.removeValue(forKey: "required")
                }
            },
            location: "field \"patronymic\"", problem: ["unknown key \"requried\"", "required"]),
        Breakage(
            name: "unknown key at the top",
            change: { form in form["titel"] = form["title"] },
            location: nil, problem: ["unknown key \"titel\""]),
        Breakage(
            name: "unknown key in a validator",
            change: { form in
                try JSONEdit.field("birth_date", in: &form) { field in
                    field["validators"] = [["kind": "age", "minimum": 18]]
                }
            },
            location: "field \"birth_date\" validator", problem: ["unknown key \"minimum\""]),
        Breakage(
            name: "unknown field type",
            change: { form in try JSONEdit.field("surname", in: &form) { $0["type"] = "txt" } },
            location: "fields[0].type", problem: ["txt"]),
        Breakage(
            name: "unknown validator kind",
            change: { form in
                try JSONEdit.field("phone", in: &form) { field in field["validators"] = [["kind": "telephone"]] }
            },
            location: "fields[8].validators[0].kind", problem: ["unknown validator kind \"telephone\"", "phone"]),
        Breakage(
            name: "show_if referring to a later field",
            change: { form in
                try JSONEdit.field("prior_rank", in: &form) { field in
                    field["show_if"] = ["field": "service_type", "equals": "contract"]
                }
            },
            location: "field \"prior_rank\"", problem: ["\"service_type\"", "not an earlier field"]),
        Breakage(
            name: "show_if value the earlier field cannot take",
            change: { form in
                try JSONEdit.field("prior_rank", in: &form) { field in
                    field["show_if"] = ["field": "prior_service", "equals": "true"]
                }
            },
            location: "field \"prior_rank\"", problem: ["\"true\"", "\"prior_service\""]),
        Breakage(
            name: "consent field that is not the yes/no consent question",
            change: { form in
                var consent = form["consent"] as? [String: Any] ?? [:]
                consent["field"] = "surname"
                form["consent"] = consent
            },
            location: "consent", problem: ["consent field \"surname\"", "yes-no"]),
        Breakage(
            name: "consent without the question that records it",
            change: { form in
                var consent = form["consent"] as? [String: Any] ?? [:]
                consent.removeValue(forKey: "field")
                form["consent"] = consent
            },
            location: "consent", problem: ["field"]),
        Breakage(
            name: "duplicate field id",
            change: { form in try JSONEdit.field("given_name", in: &form) { $0["id"] = "surname" } },
            location: "field \"surname\"", problem: ["used twice"]),
        Breakage(
            name: "label without its lt text",
            change: { form in
                try JSONEdit.field("sex", in: &form) { field in
                    var label = field["label"] as? [String: Any] ?? [:]
                    label.removeValue(forKey: "lt")
                    field["label"] = label
                }
            },
            location: "field \"sex\"", problem: ["label", "lt"]),
        Breakage(
            name: "choice label without its uk text",
            change: { form in
                try JSONEdit.field("health", in: &form) { field in
                    var choices = field["choices"] as? [[String: Any]] ?? []
                    var label = choices[1]["label"] as? [String: Any] ?? [:]
                    label["uk"] = "  "
                    choices[1]["label"] = label
                    field["choices"] = choices
                }
            },
            location: "field \"health\"", problem: ["conditions-to-discuss", "uk"]),
        Breakage(
            name: "validator referring to a missing field",
            change: { form in
                try JSONEdit.field("rnokpp", in: &form) { field in
                    field["validators"] = [["kind": "rnokpp", "birth_date": "date_of_birth", "sex": "sex"]]
                }
            },
            location: "field \"rnokpp\"", problem: ["\"date_of_birth\"", "not an earlier field"]),
        Breakage(
            name: "validator referring to a later field",
            change: { form in
                try JSONEdit.field("document_type", in: &form) { field in
                    field["validators"] = [["kind": "ua-document", "document_type": "document_number"]]
                    field["type"] = "text"
                    field.removeValue(forKey: "choices")
                }
            },
            location: "field \"document_type\"", problem: ["\"document_number\"", "not an earlier field"]),
        Breakage(
            name: "choice field without choices",
            change: { form in try JSONEdit.field("education", in: &form) { $0.removeValue(forKey: "choices") } },
            location: "field \"education\"", problem: ["choice", "needs choices"]),
        Breakage(
            name: "choice field with empty choices",
            change: { form in try JSONEdit.field("education", in: &form) { $0["choices"] = [Any]() } },
            location: "field \"education\"", problem: ["must not be empty"]),
        Breakage(
            name: "id not matching the file name",
            change: { form in form["id"] = "ua-contract-v2" },
            location: nil, problem: ["\"ua-contract-v2\"", "\"ua-contract\""]),
        Breakage(
            name: "birth_date_field naming a text field",
            change: { form in form["birth_date_field"] = "surname" },
            location: nil, problem: ["birth_date_field", "\"surname\""]),
        Breakage(
            name: "must-be value the field cannot take",
            change: { form in
                try JSONEdit.field("consent", in: &form) { $0["validators"] = [["kind": "must-be", "value": "ja"]] }
            },
            location: "field \"consent\"", problem: ["\"ja\""]),
        Breakage(
            name: "validator on a field type it does not apply to",
            change: { form in
                try JSONEdit.field("birth_date", in: &form) { $0["validators"] = [["kind": "email"]] }
            },
            location: "field \"birth_date\"", problem: ["date field"]),
        Breakage(
            name: "required is not a boolean",
            change: { form in try JSONEdit.field("patronymic", in: &form) { $0["required"] = "no" } },
            location: "fields[2].required", problem: ["wrong type"]),
        Breakage(
            name: "a field without a label",
            change: { form in try JSONEdit.field("phone", in: &form) { $0.removeValue(forKey: "label") } },
            location: "fields[8]", problem: ["missing key \"label\""]),
    ]

    @Test("a broken form definition is refused", arguments: breakages)
    func broken(_ breakage: Breakage) throws {
        // Given the real ua-contract definition with one mistake
        var form = try JSONEdit.object(Self.file)
        try breakage.change(&form)
        let data = try JSONEdit.encode(form)

        // When it is loaded
        let error = try #require(throws: DefinitionError.self) {
            try DefinitionLoader.form(from: data, file: Self.file, catalog: try KioskFiles.catalog())
        }

        // Then the error names the file, the place and the problem
        #expect(error.file == Self.file)
        #expect(error.location == breakage.location, "\(error)")
        for part in breakage.problem {
            #expect(error.problem.contains(part), "\(error) should mention \(part)")
        }
    }

    @Test("the unchanged definition, re-encoded the same way, still loads")
    func controlCase() throws {
        // Given the real definition through the same decode/encode round trip as the broken ones
        let data = try JSONEdit.encode(try JSONEdit.object(Self.file))

        // Then it loads, so each refusal above is due to its one mistake
        #expect(
            try DefinitionLoader.form(from: data, file: Self.file, catalog: try KioskFiles.catalog()).id
                == "ua-contract")
    }

    @Test(
        "invalid JSON is refused for the whole file",
        arguments: ["", "{", "{\"id\": \"ua-contract\" \"version\": 1}", "[1, 2", "not json"])
    func invalidJSON(text: String) throws {
        let error = try #require(throws: DefinitionError.self) {
            try DefinitionLoader.form(from: Data(text.utf8), file: Self.file, catalog: try KioskFiles.catalog())
        }
        #expect(error.file == Self.file)
        #expect(error.location == nil)
        #expect(error.problem.hasPrefix("not valid JSON"))
    }

    @Test("the real definition cut short is invalid JSON")
    func truncated() throws {
        let data = try KioskFiles.data(Self.file)
        let error = try #require(throws: DefinitionError.self) {
            try DefinitionLoader.form(
                from: data.prefix(data.count / 2), file: Self.file, catalog: try KioskFiles.catalog())
        }
        #expect(error.problem.hasPrefix("not valid JSON"))
    }

    @Test("a form whose units field has no unit of its country is refused")
    func noUnitsForCountry() throws {
        // Given a catalog with only the LT units
        let catalog = try KioskFiles.catalog()
        let ltOnly = UnitCatalog(fictional: true, units: catalog.units.filter { $0.country == "LT" })

        // When the UA form is loaded against it
        let error = try #require(throws: DefinitionError.self) {
            try DefinitionLoader.form(from: try KioskFiles.data(Self.file), file: Self.file, catalog: ltOnly)
        }

        // Then the unit field is named
        #expect(error.location == "field \"unit\"")
        #expect(error.problem.contains("UA"))
    }

    // MARK: - Unit catalog

    struct CatalogBreakage: Sendable, CustomTestStringConvertible {
        let name: String
        let change: @Sendable (inout [[String: Any]]) -> Void
        let location: String?
        let problem: [String]
        var testDescription: String { name }
    }

    static let catalogBreakages: [CatalogBreakage] = [
        CatalogBreakage(
            name: "duplicate unit id",
            change: { units in units[3]["id"] = "demo-brigade-1" },
            location: "unit \"demo-brigade-1\"", problem: ["unique"]),
        CatalogBreakage(
            name: "unit id none",
            change: { units in units[0]["id"] = "none" },
            location: "unit \"none\"", problem: ["\"none\""]),
        CatalogBreakage(
            name: "unit without positions",
            change: { units in units[1]["positions"] = [Any]() },
            location: "unit \"demo-brigade-2\"", problem: ["at least one"]),
        CatalogBreakage(
            name: "duplicate position id",
            change: { units in
                var positions = units[2]["positions"] as? [[String: Any]] ?? []
                positions[1]["id"] = positions[0]["id"]
                units[2]["positions"] = positions
            },
            location: "unit \"demo-brigade-3\"", problem: ["position ids must be unique"]),
        CatalogBreakage(
            name: "unit name without en text",
            change: { units in
                var name = units[4]["name"] as? [String: Any] ?? [:]
                name.removeValue(forKey: "en")
                units[4]["name"] = name
            },
            location: "unit \"demo-artillery-brigade-5\"", problem: ["en"]),
        CatalogBreakage(
            name: "misspelt key in a unit",
            change: { units in units[5]["positons"] = units[5]["positions"] },
            location: "unit \"demo-drone-battalion-6\"", problem: ["unknown key \"positons\""]),
        CatalogBreakage(
            name: "negative open places",
            change: { units in Self.editPosition(&units, 0, 1) { $0["open_places"] = -1 } },
            location: "unit \"demo-brigade-1\" position \"drone-operator\"", problem: ["open_places", "0 to"]),
        CatalogBreakage(
            name: "age range with min above max",
            change: { units in Self.editPosition(&units, 0, 0) { $0["age"] = ["min": 40, "max": 30] } },
            location: "unit \"demo-brigade-1\" position \"rifleman\"", problem: ["min 40 is above max 30"]),
        CatalogBreakage(
            name: "age outside what a form can mean",
            change: { units in Self.editPosition(&units, 0, 0) { $0["age"] = ["max": 7] } },
            location: "unit \"demo-brigade-1\" position \"rifleman\"", problem: ["age max", "16 to 70", "7"]),
        CatalogBreakage(
            name: "misspelt key in a position's age",
            change: { units in Self.editPosition(&units, 0, 0) { $0["age"] = ["maximum": 40] } },
            location: "unit \"demo-brigade-1\" position \"rifleman\" age", problem: ["unknown key \"maximum\""]),
        CatalogBreakage(
            name: "requirement the form cannot check",
            change: { units in Self.editPosition(&units, 0, 0) { $0["driving_licence"] = ["C"] } },
            location: "unit \"demo-brigade-1\" position \"rifleman\"",
            problem: ["unknown key \"driving_licence\""]),
        CatalogBreakage(
            name: "open places that are not a number",
            change: { units in Self.editPosition(&units, 0, 0) { $0["open_places"] = "many" } },
            location: "units[0].positions[0].open_places", problem: ["wrong type"]),
        CatalogBreakage(
            name: "unit country that is not a code",
            change: { units in units[0]["country"] = "Ukraine" },
            location: "unit \"demo-brigade-1\"", problem: ["two-letter"]),
    ]

    /// Changes one position of the catalog's units in place.
    static func editPosition(
        _ units: inout [[String: Any]], _ unit: Int, _ position: Int, _ edit: (inout [String: Any]) -> Void
    ) {
        var positions = units[unit]["positions"] as? [[String: Any]] ?? []
        edit(&positions[position])
        units[unit]["positions"] = positions
    }

    @Test("a broken unit catalog is refused", arguments: catalogBreakages)
    func brokenCatalog(_ breakage: CatalogBreakage) throws {
        // Given the real units.json with one mistake
        var catalog = try JSONEdit.object("units.json")
        var units = try #require(catalog["units"] as? [[String: Any]])
        breakage.change(&units)
        catalog["units"] = units
        let data = try JSONEdit.encode(catalog)

        // When it is loaded
        let error = try #require(throws: DefinitionError.self) {
            try DefinitionLoader.catalog(from: data, file: "units.json")
        }

        // Then the error names the file, the unit and the problem
        #expect(error.file == "units.json")
        #expect(error.location == breakage.location, "\(error)")
        for part in breakage.problem {
            #expect(error.problem.contains(part), "\(error) should mention \(part)")
        }
    }

    // MARK: - Strings

    @Test(
        "a strings file missing a required key is refused, naming the key",
        arguments: zip(Language.allCases, ["back.at_start", "error.must_be", "words.confirm"]))
    func missingStringKey(language: Language, key: String) throws {
        // Given a real strings file without one required key
        let file = "strings/\(language.rawValue).json"
        var texts = try JSONEdit.object(file)
        try #require(texts.removeValue(forKey: key) != nil)
        let data = try JSONEdit.encode(texts)

        // When it is loaded
        let error = try #require(throws: DefinitionError.self) {
            try DefinitionLoader.strings(from: data, language: language, file: file)
        }

        // Then the error names the file and the key
        #expect(error.file == file)
        #expect(error.location == "key \"\(key)\"")
        #expect(error.problem == "missing or empty")
    }

    @Test("a strings file with a blank required text is refused, naming the key")
    func blankStringKey() throws {
        var texts = try JSONEdit.object("strings/en.json")
        texts["review.title"] = "   "
        let error = try #require(throws: DefinitionError.self) {
            try DefinitionLoader.strings(from: try JSONEdit.encode(texts), language: .en, file: "strings/en.json")
        }
        #expect(error.location == "key \"review.title\"")
    }
}
