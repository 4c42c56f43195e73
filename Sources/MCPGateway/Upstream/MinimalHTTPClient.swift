import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A small HTTP/1.1 client on SwiftNIO for the gateway's HTTP upstreams: one connection per
/// exchange, plain `http://` only, the response body handed over as it arrives (for SSE).
/// AsyncHTTPClient is not a dependency of this package; this covers what MCP needs.
struct MinimalHTTPClient: Sendable {
    /// Where a request goes, parsed from a URL.
    struct Target: Sendable, Hashable {
        var host: String
        var port: Int
        var pathAndQuery: String

        /// Parses an `http://host[:port]/path?query` URL.
        init(url: String) throws {
            guard let components = URLComponents(string: url), components.scheme?.lowercased() == "http",
                  let host = components.host, !host.isEmpty
            else { throw UpstreamError.launchFailed("unsupported upstream URL \(url) (http:// only)") }
            self.host = host
            port = components.port ?? 80
            let path = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
            pathAndQuery = components.percentEncodedQuery.map { "\(path)?\($0)" } ?? path
        }

        /// This target with another path and query (for endpoints given relative to it).
        func with(pathAndQuery: String) -> Target {
            var copy = self
            copy.pathAndQuery = pathAndQuery
            return copy
        }
    }

    /// A response head: the status and the headers.
    struct Head: Sendable {
        var status: Int
        var headers: HTTPHeaders

        /// The media type of the body, lowercased, without parameters.
        var mediaType: String {
            (headers.first(name: "content-type") ?? "").split(separator: ";").first.map {
                $0.trimmingCharacters(in: .whitespaces).lowercased()
            } ?? ""
        }
    }

    /// Reads a response body chunk by chunk.
    struct Body {
        fileprivate var iterator: NIOAsyncChannelInboundStream<HTTPClientResponsePart>.AsyncIterator
        fileprivate var finished = false

        /// The next chunk, or nil at the end of the body.
        mutating func next() async throws -> ByteBuffer? {
            guard !finished else { return nil }
            while let part = try await iterator.next() {
                switch part {
                case .body(let buffer): return buffer
                case .end: finished = true; return nil
                case .head: continue
                }
            }
            finished = true
            return nil
        }

        /// The rest of the body, up to `limit` bytes.
        mutating func collect(limit: Int = 64 << 20) async throws -> [UInt8] {
            var bytes: [UInt8] = []
            while let chunk = try await next() {
                guard bytes.count + chunk.readableBytes <= limit else { throw UpstreamError.invalidResponse("response too large") }
                bytes.append(contentsOf: chunk.readableBytesView)
            }
            return bytes
        }
    }

    var connectTimeout: TimeAmount = .seconds(10)

    /// Runs one exchange: connects, sends the request, and calls `handle` with the head and the
    /// body; the connection closes when `handle` returns or throws.
    func execute<Result: Sendable>(
        _ method: HTTPMethod, _ target: Target, headers: [(String, String)], body: [UInt8]? = nil,
        handle: (Head, inout Body) async throws -> Result
    ) async throws -> Result {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(connectTimeout)
            .connect(host: target.host, port: target.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            var head = HTTPRequestHead(version: .http1_1, method: method, uri: target.pathAndQuery)
            head.headers.add(name: "Host", value: target.port == 80 ? target.host : "\(target.host):\(target.port)")
            head.headers.add(name: "Connection", value: "close")
            for (name, value) in headers { head.headers.add(name: name, value: value) }
            if let body { head.headers.add(name: "Content-Length", value: String(body.count)) }
            try await outbound.write(.head(head))
            if let body, !body.isEmpty { try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: body)))) }
            try await outbound.write(.end(nil))
            var iterator = inbound.makeAsyncIterator()
            guard case .head(let responseHead) = try await iterator.next() else {
                throw UpstreamError.invalidResponse("no response head")
            }
            var reader = Body(iterator: iterator)
            return try await handle(Head(status: Int(responseHead.status.code), headers: responseHead.headers), &reader)
        }
    }
}
