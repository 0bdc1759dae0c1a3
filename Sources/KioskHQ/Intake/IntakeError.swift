import KioskReceipt

/// Why headquarters refused a batch or a request (a catalog fetch too), with the HTTP status that says so.
///
/// Messages name the center, sequences, sizes and digests, never a record's contents.
public struct IntakeError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The kind of refusal; each maps to one HTTP status.
    public enum Code: String, Sendable, Equatable {
        /// 400: the body is not a batch archive, or the request itself is malformed.
        case malformed = "malformed"
        /// 403: no such center is registered.
        case unknownCenter = "unknown-center"
        /// 404: no unit catalog is published for the center.
        case noCatalog = "no-catalog"
        /// 409: the sequence is not the next one (`expectedSequence` says which is).
        case wrongSequence = "wrong-sequence"
        /// 409: this sequence was already accepted with other bytes (an alarm).
        case conflict = "conflict"
        /// 409: the batch does not chain onto the last accepted manifest (an alarm).
        case brokenChain = "broken-chain"
        /// 409: the kiosk's audit log, as the manifest shows it, is shorter than (or as long as,
        /// with another head) what the center's last batch showed: cut or rewritten (an alarm).
        case auditRewound = "audit-rewound"
        /// 413: the body is over the configured limit.
        case tooLarge = "too-large"
        /// 415: the body is declared as something other than a tar archive.
        case unsupportedMediaType = "unsupported-media-type"
        /// 422: a well-formed batch that fails verification (signature, key, digest, count, references).
        case unverifiable = "unverifiable"
        /// 408: the body did not arrive within the request's deadline.
        case timeout = "timeout"
        /// 503: too many uploads in progress (of this center or in all), or their files fill the
        /// space kept for them; answered with `Retry-After`, the kiosk retries later.
        case busy = "busy"
        /// 500: headquarters could not store it (disk, database); the kiosk retries later.
        case storage = "storage"
        /// 503: headquarters' database cannot be reached now (down, restarting); answered with
        /// `Retry-After`, the kiosk retries later.
        case unavailable = "unavailable"
    }

    public let code: Code
    public let message: String
    /// For `wrongSequence`: the sequence headquarters expects next.
    public let expectedSequence: Int?

    public init(_ code: Code, _ message: String, expectedSequence: Int? = nil) {
        self.code = code
        self.message = message
        self.expectedSequence = expectedSequence
    }

    /// 409 `wrong-sequence`: `sequence` is not the one headquarters expects next.
    static func outOfOrder(center: String, sequence: Int, expected: Int) -> IntakeError {
        IntakeError(
            .wrongSequence, "\(center) batch \(sequence) is out of order: headquarters expects batch \(expected)",
            expectedSequence: expected)
    }

    /// The HTTP status code for this refusal.
    public var status: Int {
        switch code {
        case .malformed: 400
        case .unknownCenter: 403
        case .noCatalog: 404
        case .wrongSequence, .conflict, .brokenChain, .auditRewound: 409
        case .tooLarge: 413
        case .unsupportedMediaType: 415
        case .unverifiable: 422
        case .timeout: 408
        case .busy, .unavailable: 503
        case .storage: 500
        }
    }

    /// The JSON body that carries it.
    public var problem: IntakeProblem {
        IntakeProblem(error: code.rawValue, message: message, expectedSequence: expectedSequence)
    }

    public var description: String { message }
}
