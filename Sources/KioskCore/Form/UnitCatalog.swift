/// Units with open positions for direct recruitment, from `Kiosk/units.json`.
public struct UnitCatalog: Sendable, Codable, Hashable {
    /// True for the demo catalog shipped with the product: the units are fictional.
    public var fictional: Bool
    public var units: [Unit]

    public init(fictional: Bool, units: [Unit]) {
        self.fictional = fictional
        self.units = units
    }

    public func unit(_ id: String) -> Unit? {
        units.first { $0.id == id }
    }

    /// The choice value meaning the applicant has no preferred unit.
    public static let noPreference = "none"
}

/// One unit of the catalog.
public struct Unit: Sendable, Codable, Hashable {
    public var id: String
    /// Which form's country the unit belongs to (`UA`, `LT`).
    public var country: String
    public var name: LocalizedText
    public var positions: [Position]

    public init(id: String, country: String, name: LocalizedText, positions: [Position]) {
        self.id = id
        self.country = country
        self.name = name
        self.positions = positions
    }
}

/// An open position in a unit.
public struct Position: Sendable, Codable, Hashable {
    public var id: String
    public var name: LocalizedText
    /// How many places are still open; 0 means full (not offered), nil means not counted.
    public var openPlaces: Int?
    /// Offered only to applicants whose age (from the form's birth-date field) is in range.
    ///
    /// The only requirement a catalog states: the form asks the date of birth before the unit,
    /// while the driving licence is asked after it and education has no order to compare.
    public var age: AgeRange?

    public init(id: String, name: LocalizedText, openPlaces: Int? = nil, age: AgeRange? = nil) {
        self.id = id
        self.name = name
        self.openPlaces = openPlaces
        self.age = age
    }

    /// Whether an applicant of `age` (nil: not known yet) may be offered this position.
    public func isOffered(toAge age: Int?) -> Bool {
        if openPlaces == 0 { return false }
        guard let range = self.age, let age else { return true }
        return age >= (range.min ?? Int.min) && age <= (range.max ?? Int.max)
    }

    enum CodingKeys: String, CodingKey {
        case id, name, age
        case openPlaces = "open_places"
    }
}

extension Unit {
    /// The positions an applicant of `age` may be offered, in catalog order.
    public func positions(offeredToAge age: Int?) -> [Position] {
        positions.filter { $0.isOffered(toAge: age) }
    }
}
