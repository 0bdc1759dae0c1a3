/// The attend service stopped while out of service (only at end of input on a pipe, or
/// with `--once`); on a terminal the kiosk waits for the problem to go away instead.
package struct OutOfServiceError: Error, CustomStringConvertible {
    package let problems: [HealthProblem]

    package var description: String {
        "out of service, no application taken: " + problems.map(\.description).joined(separator: "; ")
    }
}
