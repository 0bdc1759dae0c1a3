/// Why an account operation was refused; the message says what to do and never holds a password.
package struct StaffError: Error, Equatable, Sendable, CustomStringConvertible {
    package let description: String

    package init(_ description: String) {
        self.description = description
    }
}
