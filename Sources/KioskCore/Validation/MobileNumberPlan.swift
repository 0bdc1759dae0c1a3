/// Which national numbers are mobile in each country a form may allow: libphonenumber's own
/// metadata, generated into `Kiosk/phone-numbers.json` by `scripts/generate-phone-numbers.py`
/// so that a numbering-plan change is a data refresh, not a code change.
public struct MobileNumberPlan: Sendable, Decodable {
    /// One country's mobile numbers.
    public struct Country: Sendable, Decodable {
        /// ISO 3166 region, e.g. "UA".
        public let region: String
        /// The international calling code without "+", e.g. "380".
        public let callingCode: String
        /// What may be dialled before the national number inside the country (0 in UA; 0 or 8 in LT).
        public let trunkPrefixes: [String]
        /// libphonenumber's national-number pattern for mobiles, matched against the whole national number.
        public let mobilePattern: String
        /// The lengths a mobile national number may have.
        public let mobileLengths: [Int]

        enum CodingKeys: String, CodingKey {
            case region
            case callingCode = "calling_code"
            case trunkPrefixes = "trunk_prefixes"
            case mobilePattern = "mobile_pattern"
            case mobileLengths = "mobile_lengths"
        }

        public init(
            region: String, callingCode: String, trunkPrefixes: [String], mobilePattern: String, mobileLengths: [Int]
        ) {
            self.region = region
            self.callingCode = callingCode
            self.trunkPrefixes = trunkPrefixes
            self.mobilePattern = mobilePattern
            self.mobileLengths = mobileLengths
        }

        /// Whether `national` (digits only, no trunk prefix) has a mobile number's length.
        func hasMobileLength(_ national: String) -> Bool {
            mobileLengths.contains(national.count)
        }

        /// Whether `national` (digits only, no trunk prefix) is a mobile number of this country.
        func isMobile(_ national: String) -> Bool {
            guard hasMobileLength(national), let pattern = try? Regex(mobilePattern) else { return false }
            return (try? pattern.wholeMatch(in: national)) != nil
        }
    }

    /// The libphonenumber release the patterns were taken from.
    public let libphonenumber: String
    public let countries: [Country]

    public init(libphonenumber: String, countries: [Country]) {
        self.libphonenumber = libphonenumber
        self.countries = countries
    }

    /// The country with this region code, e.g. "UA".
    public func country(_ region: String) -> Country? {
        countries.first { $0.region == region.uppercased() }
    }
}
