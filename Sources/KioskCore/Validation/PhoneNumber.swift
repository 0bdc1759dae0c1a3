import Foundation

/// Mobile phone numbers normalised to E.164, so recruiters can dial them from anywhere.
public enum PhoneNumber {
    /// How one supported country writes its mobile numbers.
    private struct Country {
        let id: String
        let callingCode: String
        let nationalLength: Int
        /// The digit dialled before the national number inside the country.
        let trunkPrefix: String
        /// Digits a mobile national number may start with.
        let mobileFirstDigits: Set<Character>

        func isMobile(_ national: String) -> Bool {
            national.count == nationalLength && national.first.map(mobileFirstDigits.contains) == true
        }
    }

    private static let countries = [
        // Ukraine: 9 national digits after 380, trunk prefix 0.
        Country(
            id: "UA", callingCode: "380", nationalLength: 9, trunkPrefix: "0",
            mobileFirstDigits: Set("123456789")),
        // Lithuania: 8 national digits after 370, mobiles start with 6, trunk prefix 8.
        Country(
            id: "LT", callingCode: "370", nationalLength: 8, trunkPrefix: "8",
            mobileFirstDigits: ["6"]),
    ]

    /// Checks and normalises a mobile number to "+<country code><national number>".
    ///
    /// Spaces, hyphens, dots and parentheses are ignored. Accepts "+CC…", "CC…" and the national form
    /// with its trunk prefix (0 for UA, 8 for LT). A national form belongs to the allowed country
    /// whose shape it fits; `defaultCountry` decides only if several fit. Throws "phone.country" for a
    /// number of a country not in `allowedCountries` (e.g. "UA", "LT"), "phone.format" otherwise.
    public static func normalize(
        _ text: String, allowedCountries: [String], defaultCountry: String
    ) throws(ValidationFailure) -> String {
        let allowed = Set(allowedCountries.map { $0.uppercased() })
        var compact = String(
            String.UnicodeScalarView(
                text.unicodeScalars.filter { !$0.properties.isWhitespace && !"-.()".unicodeScalars.contains($0) }))
        let international = compact.hasPrefix("+")
        if international { compact.removeFirst() }
        guard !compact.isEmpty, compact.asciiDigitValues != nil else { throw ValidationFailure(.phoneFormat) }

        // International form: "+CC…", or "CC…" without the plus.
        if let country = countries.first(where: { compact.hasPrefix($0.callingCode) }),
            international || compact.count == country.callingCode.count + country.nationalLength
        {
            let national = String(compact.dropFirst(country.callingCode.count))
            guard country.isMobile(national) else { throw ValidationFailure(.phoneFormat) }
            guard allowed.contains(country.id) else { throw ValidationFailure(.phoneCountry) }
            return "+" + country.callingCode + national
        }
        if international {
            // Some other country: calling codes never start with 0, and E.164 has at most 15 digits.
            guard !compact.hasPrefix("0"), compact.count <= 15 else { throw ValidationFailure(.phoneFormat) }
            throw ValidationFailure(.phoneCountry)
        }

        // National form with a trunk prefix.
        let fits = countries.compactMap { country -> (Country, String)? in
            guard compact.hasPrefix(country.trunkPrefix) else { return nil }
            let national = String(compact.dropFirst(country.trunkPrefix.count))
            return country.isMobile(national) ? (country, national) : nil
        }
        guard !fits.isEmpty else { throw ValidationFailure(.phoneFormat) }
        let candidates = fits.filter { allowed.contains($0.0.id) }
        guard !candidates.isEmpty else { throw ValidationFailure(.phoneCountry) }
        let chosen =
            candidates.count == 1
            ? candidates[0] : candidates.first { $0.0.id == defaultCountry.uppercased() }
        guard let (country, national) = chosen else { throw ValidationFailure(.phoneFormat) }
        return "+" + country.callingCode + national
    }
}
