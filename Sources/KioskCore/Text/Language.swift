/// An interface language of the kiosk; a form lists the ones it is translated into.
public enum Language: String, Codable, CaseIterable, Sendable, CodingKeyRepresentable {
    case uk
    case en
    case lt

    /// The language's own name, shown on the welcome screen before a language is chosen.
    public var nativeName: String {
        switch self {
        case .uk: "Українська"
        case .en: "English"
        case .lt: "Lietuvių"
        }
    }
}
