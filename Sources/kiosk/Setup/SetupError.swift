/// A problem with the data folder, the configuration or the operator's files that stops
/// the kiosk from starting; the message says what to fix.
struct SetupError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
