import CIDN2

/// Domain names in both their forms, through libidn2 (IDNA2008 with UTS #46 processing): the
/// A-label form ("xn--80a1acn3a.xn--j1amh") that DNS and mail servers use, and the Unicode
/// form ("пошта.укр") a person reads.
enum InternationalDomain {
    /// NFC first, UTS #46 non-transitional mapping (so "ПОШТА" becomes "пошта" and "ß" stays),
    /// the STD3 rules (letters, digits and inner hyphens only), and "xn--" labels checked by
    /// decoding and encoding them again.
    private static let flags = Int32(
        IDN2_NFC_INPUT.rawValue | IDN2_NONTRANSITIONAL.rawValue | IDN2_USE_STD3_ASCII_RULES.rawValue
            | IDN2_ALABEL_ROUNDTRIP.rawValue)

    /// The lower-case A-label form of `domain` (Unicode or already ASCII), or nil when libidn2
    /// refuses it: a disallowed character, an invalid "xn--" label, a label or name too long.
    static func ascii(_ domain: String) -> String? {
        var output: UnsafeMutablePointer<UInt8>?
        let status = domain.withCString { input in
            input.withMemoryRebound(to: UInt8.self, capacity: domain.utf8.count + 1) {
                idn2_lookup_u8($0, &output, flags)
            }
        }
        defer { idn2_free(output) }
        guard status == IDN2_OK.rawValue, let output else { return nil }
        return String(cString: output)
    }

    /// The Unicode form of an A-label domain, or nil when a label does not decode.
    static func unicode(_ ascii: String) -> String? {
        var output: UnsafeMutablePointer<CChar>?
        let status = idn2_to_unicode_8z8z(ascii, &output, 0)
        defer { idn2_free(output) }
        guard status == IDN2_OK.rawValue, let output else { return nil }
        return String(validatingCString: output)
    }
}
