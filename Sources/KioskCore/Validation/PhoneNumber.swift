import Foundation

/// Mobile phone numbers normalised to E.164, so recruiters can call and text them from anywhere.
public enum PhoneNumber {
    /// Checks and normalises a mobile number to "+<country code><national number>".
    ///
    /// Spaces, hyphens, dots and parentheses are ignored. Accepts "+CC…", "CC…" and the national form
    /// with its trunk prefix (0 in UA; 0 or 8 in LT). A national form belongs to the allowed country
    /// whose shape it fits; `defaultCountry` decides only if several fit. What is mobile comes from
    /// `plan` (libphonenumber's metadata). Throws "phone.not_mobile" for a number of the right
    /// length that is not a mobile (a landline), "phone.country" for a number of a country not in
    /// `allowedCountries` (e.g. "UA", "LT"), "phone.format" otherwise.
    public static func normalize(
        _ text: String, plan: MobileNumberPlan, allowedCountries: [String], defaultCountry: String
    ) throws(ValidationFailure) -> String {
        let allowed = Set(allowedCountries.map { $0.uppercased() })
        var compact = String(
            String.UnicodeScalarView(
                text.unicodeScalars.filter { !$0.properties.isWhitespace && !"-.()".unicodeScalars.contains($0) }))
        let international = compact.hasPrefix("+")
        if international { compact.removeFirst() }
        guard !compact.isEmpty, compact.asciiDigitValues != nil else { throw ValidationFailure(.phoneFormat) }

        // International form: "+CC…", or "CC…" without the plus.
        if let country = plan.countries.first(where: { compact.hasPrefix($0.callingCode) }),
            international || country.hasMobileLength(String(compact.dropFirst(country.callingCode.count)))
        {
            let national = String(compact.dropFirst(country.callingCode.count))
            guard country.hasMobileLength(national) else { throw ValidationFailure(.phoneFormat) }
            guard country.isMobile(national) else { throw ValidationFailure(.phoneNotMobile) }
            guard allowed.contains(country.region) else { throw ValidationFailure(.phoneCountry) }
            return "+" + country.callingCode + national
        }
        if international {
            // Some other country: calling codes never start with 0, and E.164 has at most 15 digits.
            guard !compact.hasPrefix("0"), compact.count <= 15 else { throw ValidationFailure(.phoneFormat) }
            throw ValidationFailure(.phoneCountry)
        }

        // National form with a trunk prefix: every reading that has a mobile number's length.
        let readings = plan.countries.flatMap { country in
            country.trunkPrefixes.compactMap { prefix -> (MobileNumberPlan.Country, String)? in
                guard compact.hasPrefix(prefix) else { return nil }
                let national = String(compact.dropFirst(prefix.count))
                return country.hasMobileLength(national) ? (country, national) : nil
            }
        }
        guard !readings.isEmpty else { throw ValidationFailure(.phoneFormat) }
        let fits = readings.filter { $0.0.isMobile($0.1) }
        guard !fits.isEmpty else { throw ValidationFailure(.phoneNotMobile) }
        let candidates = fits.filter { allowed.contains($0.0.region) }
        guard !candidates.isEmpty else { throw ValidationFailure(.phoneCountry) }
        let chosen =
            candidates.count == 1
            ? candidates[0] : candidates.first { $0.0.region == defaultCountry.uppercased() }
        guard let (country, national) = chosen else { throw ValidationFailure(.phoneFormat) }
        return "+" + country.callingCode + national
    }
}
