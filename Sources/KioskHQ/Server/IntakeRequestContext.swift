import Hummingbird
import NIOCore

/// The request context of the intake's routes: Hummingbird's basic context plus the
/// connection, so that an upload past its deadline can be cut off.
public struct IntakeRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The connection the request arrived on.
    let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}
