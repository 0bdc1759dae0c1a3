/// Refuses JSON object keys a `Decodable` would silently ignore.
///
/// `JSONDecoder` skips keys it does not know, so a typo such as `"idle_timout_seconds"` would
/// quietly leave a default in place, and a smuggled field in a signed manifest would be
/// ignored by one reader and read by another. Call `check` first in `init(from:)` with the
/// type's `CodingKeys`.
package enum StrictKeys {
    /// Throws for the first unknown key (in sorted order, so the message is stable).
    ///
    /// - Parameters:
    ///   - decoder: the decoder passed to `init(from:)`, positioned on the object.
    ///   - allowed: the keys the type reads, usually `CodingKeys.allCases`.
    ///   - file: the file or part being read, named in the message (`config.json`).
    package static func check<Key: CodingKey & CaseIterable>(
        _ decoder: any Decoder, allowed: Key.Type, file: String
    ) throws {
        try check(decoder, allowed: allowed.allCases.map(\.stringValue), file: file)
    }

    /// The same for a list of key names.
    package static func check(_ decoder: any Decoder, allowed: [String], file: String) throws {
        let present = try decoder.container(keyedBy: AnyKey.self).allKeys.map(\.stringValue)
        if let error = unknownKey(in: present, allowed: allowed, file: file) { throw error }
    }

    /// The error for the first key of `present` that is not `allowed`, or nil when all are.
    ///
    /// For readers that see the keys themselves (a `JSONSerialization` dictionary).
    package static func unknownKey(
        in present: some Sequence<String>, allowed: some Sequence<String>, file: String
    ) -> UnknownKeyError? {
        let allowed = Set(allowed)
        guard let unknown = present.sorted().first(where: { !allowed.contains($0) }) else { return nil }
        return UnknownKeyError(file: file, key: unknown, allowed: allowed.sorted())
    }
}

/// A JSON object had a key its reader does not know: which file, which key, which are allowed.
package struct UnknownKeyError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file or part being read.
    package let file: String
    /// The unknown key as it was written; it may be anything, so show it only through `description`.
    package let key: String
    /// The keys that are allowed there, sorted.
    package let allowed: [String]

    /// The longest part of an unknown key that a message repeats.
    static let shownKeyLength = 60

    /// `config.json: unknown key "idle_timout"; allowed keys: center, form, …`.
    ///
    /// The key is quoted with control characters escaped and cut to 60 characters, since it
    /// may come from a hostile upload.
    package var description: String {
        "\(file): unknown key \(shownKey); allowed keys: \(allowed.joined(separator: ", "))"
    }

    /// The key in double quotes, control characters and quotes escaped, long keys cut with "…".
    package var shownKey: String {
        var shown = "\""
        for scalar in key.unicodeScalars.prefix(Self.shownKeyLength) {
            switch scalar {
            case "\"": shown += "\\\""
            case "\\": shown += "\\\\"
            case _ where scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value):
                shown += "\\u{\(String(scalar.value, radix: 16))}"
            default: shown.unicodeScalars.append(scalar)
            }
        }
        if key.unicodeScalars.count > Self.shownKeyLength { shown += "…" }
        return shown + "\""
    }
}

/// A coding key for any name, used to list the keys a JSON object really has.
private struct AnyKey: CodingKey {
    let stringValue: String
    let intValue: Int? = nil

    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { return nil }
}
