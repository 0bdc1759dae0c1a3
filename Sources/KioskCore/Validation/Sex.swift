/// A person's sex as encoded in national identity numbers, so it can be checked against the form's answer.
public enum Sex: String, Codable, Sendable {
    /// Odd sex digit in both national numbers.
    case male
    /// Even sex digit in both national numbers.
    case female
}
