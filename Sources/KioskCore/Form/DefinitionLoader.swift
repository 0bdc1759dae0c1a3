import Foundation

/// Decodes and checks the operator's files from their bytes (reading them is the caller's job).
///
/// Every problem is a `DefinitionError` naming the file, the place and what is wrong, so a
/// broken definition is refused at start and never reaches an applicant.
public enum DefinitionLoader {
    /// A checked form definition; `file` is the name used in messages (e.g. `forms/ua-contract.json`).
    public static func form(
        from data: Data, file: String, catalog: UnitCatalog
    ) throws(DefinitionError)
        -> FormDefinition
    {
        let json = try parse(data, file: file)
        try DefinitionKeys.checkForm(json, file: file)
        let form: FormDefinition = try decode(data, file: file)
        let expectedID = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
        if form.id != expectedID {
            throw DefinitionError(file: file, problem: "id \"\(form.id)\" must match the file name \"\(expectedID)\"")
        }
        try FormChecker(form: form, catalog: catalog, file: file).check()
        return form
    }

    /// A checked unit catalog.
    public static func catalog(from data: Data, file: String) throws(DefinitionError) -> UnitCatalog {
        let json = try parse(data, file: file)
        try DefinitionKeys.checkCatalog(json, file: file)
        let catalog: UnitCatalog = try decode(data, file: file)
        var ids = Set<String>()
        for unit in catalog.units {
            let location = "unit \"\(unit.id)\""
            guard !unit.id.isEmpty, unit.id != UnitCatalog.noPreference, ids.insert(unit.id).inserted else {
                throw DefinitionError(
                    file: file, location: location, problem: "unit ids must be unique, non-empty and not \"none\"")
            }
            if let missing = unit.name.missing(in: Language.allCases).first {
                throw DefinitionError(file: file, location: location, problem: "name has no \(missing.rawValue) text")
            }
            guard unit.country.count == 2, unit.country.allSatisfy({ $0.isASCII && $0.isUppercase }) else {
                throw DefinitionError(
                    file: file, location: location, problem: "country must be a two-letter upper-case code such as UA")
            }
            if unit.positions.isEmpty {
                throw DefinitionError(
                    file: file, location: location, problem: "a unit needs at least one open position")
            }
            var positions = Set<String>()
            for position in unit.positions {
                guard !position.id.isEmpty, positions.insert(position.id).inserted else {
                    throw DefinitionError(
                        file: file, location: location, problem: "position ids must be unique and non-empty")
                }
                let at = "\(location) position \"\(position.id)\""
                if let missing = position.name.missing(in: Language.allCases).first {
                    throw DefinitionError(file: file, location: at, problem: "name has no \(missing.rawValue) text")
                }
                if let places = position.openPlaces, !(0...100_000).contains(places) {
                    throw DefinitionError(file: file, location: at, problem: "open_places must be 0 to 100000")
                }
                if let age = position.age {
                    for (key, value) in [("min", age.min), ("max", age.max)] {
                        if let value, !(16...70).contains(value) {
                            throw DefinitionError(
                                file: file, location: at, problem: "age \(key) must be 16 to 70 years, not \(value)")
                        }
                    }
                    if let min = age.min, let max = age.max, min > max {
                        throw DefinitionError(file: file, location: at, problem: "age min \(min) is above max \(max)")
                    }
                }
            }
        }
        return catalog
    }

    /// The checked mobile number plan (`phone-numbers.json`): every country once, a calling code of
    /// digits, trunk prefixes of digits, lengths, and a mobile pattern that compiles.
    public static func mobileNumberPlan(from data: Data, file: String) throws(DefinitionError) -> MobileNumberPlan {
        let plan: MobileNumberPlan = try decode(data, file: file)
        var regions = Set<String>()
        for country in plan.countries {
            let location = "country \"\(country.region)\""
            guard country.region.count == 2, regions.insert(country.region).inserted else {
                throw DefinitionError(file: file, location: location, problem: "regions must be unique ISO codes")
            }
            guard !country.callingCode.isEmpty, country.callingCode.asciiDigitValues != nil,
                country.trunkPrefixes.allSatisfy({ !$0.isEmpty && $0.asciiDigitValues != nil }),
                !country.mobileLengths.isEmpty, country.mobileLengths.allSatisfy({ (4...15).contains($0) })
            else {
                throw DefinitionError(
                    file: file, location: location,
                    problem: "calling code and trunk prefixes must be digits, lengths between 4 and 15")
            }
            do {
                _ = try Regex(country.mobilePattern)
            } catch {
                throw DefinitionError(
                    file: file, location: location, problem: "mobile_pattern is not a regular expression")
            }
        }
        return plan
    }

    /// Interface strings for one language; every required key must be there and non-empty.
    public static func strings(
        from data: Data, language: Language, file: String
    ) throws(DefinitionError)
        -> InterfaceStrings
    {
        let texts: [String: String] = try decode(data, file: file)
        for key in InterfaceStrings.requiredKeys where (texts[key] ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
            throw DefinitionError(file: file, location: "key \"\(key)\"", problem: "missing or empty")
        }
        return InterfaceStrings(language: language, texts: texts)
    }

    // MARK: - JSON

    private static func parse(_ data: Data, file: String) throws(DefinitionError) -> Any {
        do {
            return try JSONSerialization.jsonObject(with: data)
        } catch {
            throw DefinitionError(file: file, problem: "not valid JSON (\(error.localizedDescription))")
        }
    }

    private static func decode<T: Decodable>(_ data: Data, file: String) throws(DefinitionError) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            throw DefinitionError(file: file, location: error.location, problem: error.problem)
        } catch {
            throw DefinitionError(file: file, problem: "cannot be read (\(error))")
        }
    }
}

extension DecodingError {
    /// The JSON path of the error, e.g. `fields[3].type`.
    var location: String? {
        let path: [any CodingKey]
        switch self {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            path = context.codingPath
        case .keyNotFound(_, let context):
            path = context.codingPath
        @unknown default:
            return nil
        }
        guard !path.isEmpty else { return nil }
        return path.map { key in key.intValue.map { "[\($0)]" } ?? ".\(key.stringValue)" }.joined()
            .trimmingCharacters(in: CharacterSet(charactersIn: "."))
    }

    var problem: String {
        switch self {
        case .typeMismatch(let type, _): "wrong type, expected \(type)"
        case .valueNotFound(let type, _): "missing value, expected \(type)"
        case .keyNotFound(let key, _): "missing key \"\(key.stringValue)\""
        case .dataCorrupted(let context): context.debugDescription
        @unknown default: "\(self)"
        }
    }
}
