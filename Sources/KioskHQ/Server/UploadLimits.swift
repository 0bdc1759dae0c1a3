/// What uploads in progress may hold at headquarters, so that slow or many bodies cannot take
/// its connections, file descriptors or disk from the centers that upload properly.
public struct UploadLimits: Sendable, Equatable {
    /// Seconds from the request's arrival to the last byte of its body; a connection still
    /// sending after that is closed and its file in `incoming/` removed. Bytes trickling in
    /// keep an idle timeout from ever firing; this is a total.
    public var bodySeconds: Int64 = 600
    /// Uploads of one center received at once (its kiosk sends one at a time; a second covers
    /// a retry while the first is still being checked).
    public var perCenter = 2
    /// Uploads received at once, all centers together.
    public var total = 32
    /// Bytes that the files of uploads in progress in `incoming/` may take together.
    public var incomingBytes = 4 << 30
    /// Seconds a client refused as busy is asked to wait (`Retry-After`).
    public var retryAfterSeconds = 30

    /// The defaults.
    public init() {}
}
