/// A problem with the data folder, the configuration or the operator's files that stops
/// the kiosk from starting; the message says what to fix.
package struct SetupError: Error, CustomStringConvertible {
    package let description: String

    package init(_ description: String) {
        self.description = description
    }
}
