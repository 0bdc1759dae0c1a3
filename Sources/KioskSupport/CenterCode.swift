/// The rule for a recruiting center's code, such as `DEMO01`: 2 to 12 upper-case ASCII
/// letters or digits.
///
/// The code is part of reference numbers, batch file names, manifests, receipts and the
/// intake URL path, so the kiosk, the batch format and headquarters must agree on it exactly;
/// a code that passes here is safe in a path and needs no escaping in JSON.
package enum CenterCode {
    /// The lengths a code may have.
    package static let lengths = 2...12

    /// What a person is told a code must be.
    package static let rule = "2 to 12 upper-case letters or digits, such as DEMO01"

    /// Whether `text` is a center code.
    package static func isValid(_ text: String) -> Bool {
        lengths.contains(text.utf8.count)
            && text.utf8.allSatisfy {
                (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
            }
    }
}
