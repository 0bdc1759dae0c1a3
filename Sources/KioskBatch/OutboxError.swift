/// Why a batch could not be made, verified or kept, or the center key used; the message says
/// what to do. Here, not in KioskOutbox, because the center key (`CenterKey`) throws it too.
public struct OutboxError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Code: Sendable, Equatable {
        case keyMissing, keyExists, io, inconsistent, sealingKeyMissing
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
