import KioskReceipt

/// Why one upload attempt did not end in a verified receipt, sorted by what should happen next:
/// try again later (the network, headquarters busy or down) or have an operator look.
public struct UploadFailure: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        /// The name did not resolve.
        case dns
        /// No connection: refused, unreachable, or the connect timeout passed.
        case unreachable
        /// Connected, but headquarters did not answer within the read or write timeout.
        case timeout
        /// The connection broke while the batch or the answer was on its way.
        case connectionLost
        /// Headquarters answered 5xx.
        case serverError
        /// The TLS handshake failed: a certificate not from the pinned CA, a wrong name, no client certificate.
        case tls
        /// Headquarters refused the batch (4xx other than 5xx): 409, 403, 422, 400, 413.
        case refused
        /// The answer was not a receipt signed by the pinned key for exactly this batch.
        case badReceipt
        /// Something on this kiosk: the batch file, the database, the configuration.
        case local
    }

    public let kind: Kind
    /// One line for the operator: what happened and, where it helps, what to do.
    public let message: String
    /// The HTTP status, when headquarters answered.
    public let status: Int?
    /// What headquarters says it expects next, from a 409 answer.
    public let expectedSequence: Int?

    public init(_ kind: Kind, _ message: String, status: Int? = nil, expectedSequence: Int? = nil) {
        self.kind = kind
        self.message = message
        self.status = status
        self.expectedSequence = expectedSequence
    }

    /// Whether trying again later can succeed without anyone doing anything.
    public var isTransient: Bool {
        switch kind {
        case .dns, .unreachable, .timeout, .connectionLost, .serverError: true
        case .tls, .refused, .badReceipt, .local: false
        }
    }

    public var description: String { message }
}
