import Hummingbird
import HummingbirdWebSocket
import NIOCore

/// The request context of both listeners: Hummingbird's core storage, the peer's address (for
/// network policy), and the WebSocket handler slot.
public struct GatewayRequestContext: RequestContext, WebSocketRequestContext, RemoteAddressRequestContext {
    /// Hummingbird's per-request storage.
    public var coreContext: CoreRequestContextStorage
    /// Where a WebSocket upgrade keeps its handler.
    public let webSocket: WebSocketHandlerReference<Self>
    /// The connected peer.
    public let remoteAddress: SocketAddress?

    /// A context for a request arriving on `source`'s channel.
    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        webSocket = .init()
        remoteAddress = source.channel.remoteAddress
    }

    /// The peer's IP address as text.
    public var clientIP: String? { remoteAddress?.ipAddress }
}
