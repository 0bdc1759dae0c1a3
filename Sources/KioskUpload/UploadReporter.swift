import Foundation

/// Receives what the uploader does, to show it: a progress line on a terminal, one log line
/// per batch under systemd. Called from the uploader's task only.
public protocol UploadReporter: Sendable {
    /// A new batch was sealed from approved applications.
    func created(sequence: Int, applications: Int)
    /// An attempt to send batch `sequence` (`bytes` long) starts; `index` of `total` in this run.
    func sending(sequence: Int, bytes: Int, index: Int, total: Int, attempt: Int)
    /// `sent` bytes of the current batch have gone out (called often; throttle on display).
    func progress(sequence: Int, sent: Int, bytes: Int)
    /// Headquarters' receipt for the batch verified and was stored.
    func delivered(_ delivery: Delivery)
    /// An attempt failed; `retryIn` is set when another attempt follows after that wait.
    func failed(sequence: Int?, failure: UploadFailure, retryIn: Duration?)
}

/// A delivered batch, for the report.
public struct Delivery: Sendable, Equatable {
    public let sequence: Int
    public let applications: Int
    public let bytes: Int
    /// From the first byte sent to headquarters' verified receipt.
    public let seconds: Double
    /// Then committing the receipt and `delivered` locally and moving the file to `sent/`.
    public let storeSeconds: Double
    /// Headquarters already had it (a resend after a lost answer) and sent the original receipt.
    public let alreadyReceived: Bool
    /// When headquarters says it stored the batch.
    public let receivedAt: String
}

/// A reporter that shows nothing (tests, benchmarks).
public struct SilentReporter: UploadReporter {
    public init() {}
    public func created(sequence: Int, applications: Int) {}
    public func sending(sequence: Int, bytes: Int, index: Int, total: Int, attempt: Int) {}
    public func progress(sequence: Int, sent: Int, bytes: Int) {}
    public func delivered(_ delivery: Delivery) {}
    public func failed(sequence: Int?, failure: UploadFailure, retryIn: Duration?) {}
}
