/// How many applications headquarters holds with each national number (RNOKPP, Lithuanian
/// personal code), and whether they came from more than one center: the same person applying
/// at two centers, or twice at one.
///
/// Compact on purpose, so a million records cost a few tens of MiB: a number is kept as an
/// integer with its kind, never as text, and a center as a small index.
struct NationalNumberTally {
    private struct Entry {
        var count: UInt32
        var center: UInt16
        var severalCenters: Bool
    }

    private var entries: [UInt64: Entry] = [:]
    private var centers: [String: UInt16] = [:]

    /// The key of a record's national number, or nil when it has none (or none of digits only).
    static func key(_ answers: [String: Any]) -> UInt64? {
        // Bit 63 tells an RNOKPP (10 digits) from a Lithuanian code (11 digits): both fit in 37 bits.
        for (field, kind) in [("rnokpp", UInt64(0)), ("personal_code", UInt64(1) << 63)] {
            guard let text = answers[field] as? String, (10...11).contains(text.utf8.count),
                text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
                let number = UInt64(text)
            else { continue }
            return kind | number
        }
        return nil
    }

    mutating func count(_ key: UInt64, center: String) {
        let index = centers[center] ?? UInt16(clamping: centers.count)
        centers[center] = index
        if var entry = entries[key] {
            entry.count += 1
            if entry.center != index { entry.severalCenters = true }
            entries[key] = entry
        } else {
            entries[key] = Entry(count: 1, center: index, severalCenters: false)
        }
    }

    /// How many other applications share `key`, and whether any of them is from another center.
    func others(_ key: UInt64) -> (count: Int, otherCenter: Bool) {
        guard let entry = entries[key] else { return (0, false) }
        return (Int(entry.count) - 1, entry.severalCenters)
    }
}
