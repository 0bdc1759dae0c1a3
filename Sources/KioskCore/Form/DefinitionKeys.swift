import Foundation
import KioskSupport

/// Refuses keys the decoder would silently ignore, so a typo such as `"requried": false`
/// is an error at start instead of a required field turned optional.
enum DefinitionKeys {
    static let form: Set = [
        "id", "version", "country", "title", "languages", "birth_date_field", "consent", "bring_to_desk", "fields",
    ]
    static let field: Set = [
        "id", "type", "required", "label", "help", "validators", "show_if", "choices", "choices_from",
        "source_field", "max_length",
    ]
    static let choice: Set = ["value", "label", "age"]
    static let age: Set = ["min", "max"]
    static let condition: Set = ["field", "equals", "not_equals", "in"]
    static let consent: Set = ["version", "text", "field"]
    static let validator: Set = [
        "kind", "min", "max", "birth_date", "sex", "document_type", "countries", "default_country", "value",
    ]
    static let catalog: Set = ["fictional", "units"]
    static let unit: Set = ["id", "country", "name", "positions"]
    static let position: Set = ["id", "name", "open_places", "age"]

    /// Throws for the first unknown key in a form definition.
    static func checkForm(_ json: Any, file: String) throws(DefinitionError) {
        guard let form = json as? [String: Any] else { return }
        try unknown(form, form: Self.form, file: file, location: nil)
        try unknown(form["consent"], form: consent, file: file, location: "consent")
        for case let field as [String: Any] in form["fields"] as? [Any] ?? [] {
            let location = "field \"\(field["id"] as? String ?? "?")\""
            try unknown(field, form: Self.field, file: file, location: location)
            try unknown(field["show_if"], form: condition, file: file, location: location + " show_if")
            for case let choice as [String: Any] in field["choices"] as? [Any] ?? [] {
                try unknown(choice, form: Self.choice, file: file, location: location + " choice")
                try unknown(choice["age"], form: age, file: file, location: location + " choice age")
            }
            for validator in field["validators"] as? [Any] ?? [] {
                try unknown(validator, form: Self.validator, file: file, location: location + " validator")
            }
        }
    }

    /// Throws for the first unknown key in the unit catalog.
    static func checkCatalog(_ json: Any, file: String) throws(DefinitionError) {
        guard let catalog = json as? [String: Any] else { return }
        try unknown(catalog, form: Self.catalog, file: file, location: nil)
        for case let unit as [String: Any] in catalog["units"] as? [Any] ?? [] {
            let location = "unit \"\(unit["id"] as? String ?? "?")\""
            try unknown(unit, form: Self.unit, file: file, location: location)
            for position in unit["positions"] as? [Any] ?? [] {
                let at = location + " position \"\((position as? [String: Any])?["id"] as? String ?? "?")\""
                try unknown(position, form: Self.position, file: file, location: at)
                try unknown((position as? [String: Any])?["age"], form: age, file: file, location: at + " age")
            }
        }
    }

    private static func unknown(
        _ object: Any?, form allowed: Set<String>, file: String, location: String?
    )
        throws(DefinitionError)
    {
        guard let object = object as? [String: Any] else { return }
        if let unknown = StrictKeys.unknownKey(in: object.keys, allowed: allowed, file: file) {
            throw DefinitionError(
                file: file, location: location,
                problem: "unknown key \(unknown.shownKey); allowed here: \(unknown.allowed.joined(separator: ", "))")
        }
    }
}
