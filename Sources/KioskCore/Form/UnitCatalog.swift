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
}

/// An open position in a unit.
public struct Position: Sendable, Codable, Hashable {
    public var id: String
    public var name: LocalizedText
}
