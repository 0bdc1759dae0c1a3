/// A problem in a file under `Kiosk/`, named precisely enough for an operator to fix it.
public struct DefinitionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file as the operator knows it, e.g. `forms/ua-contract.json`.
    public let file: String
    /// Where in the file: `field "rnokpp"`, `unit "demo-1"`, `key "welcome.title"`; nil for the whole file.
    public let location: String?
    public let problem: String

    public init(file: String, location: String? = nil, problem: String) {
        self.file = file
        self.location = location
        self.problem = problem
    }

    public var description: String {
        [file, location, problem].compactMap { $0 }.joined(separator: ": ")
    }
}
