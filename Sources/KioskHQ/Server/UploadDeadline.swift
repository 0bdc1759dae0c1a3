import NIOCore
import Synchronization

/// Closes an upload's connection when its body has not fully arrived by the deadline.
///
/// An idle timeout only fires on silence; a client sending a byte now and then would hold the
/// connection and its file in `incoming/` for ever. Closing the connection ends the body's
/// stream, the request handler unwinds and the file is removed.
final class UploadDeadline: Sendable {
    private let fired = Mutex(false)
    private let task = Mutex<Scheduled<Void>?>(nil)

    init(channel: any Channel, seconds: Int64) {
        let scheduled = channel.eventLoop.scheduleTask(in: .seconds(seconds)) { [self] in
            fired.withLock { $0 = true }
            channel.close(promise: nil)
        }
        task.withLock { $0 = scheduled }
    }

    /// Whether the deadline passed and the connection was closed.
    var hasFired: Bool { fired.withLock { $0 } }

    /// The body is in (or the request is over): the connection is left alone.
    func cancel() {
        task.withLock { $0?.cancel() }
    }
}
