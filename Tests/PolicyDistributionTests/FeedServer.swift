import Foundation
import Hummingbird

/// A feed server on 127.0.0.1 for tests: serves the text set for each path with an ETag (the
/// content's hash) and Last-Modified, answers conditional requests with 304, and can be told to
/// fail. It records the conditional headers of every request.
final class FeedServer: @unchecked Sendable {
    struct Served {
        var body: String
        var status: Int = 200
        var cacheControl: String?
        var retryAfter: String?
        var lastModified = "Wed, 21 Oct 2026 07:28:00 GMT"
    }

    struct Seen {
        var path: String
        var ifNoneMatch: String?
        var ifModifiedSince: String?
        var status: Int
    }

    private let lock = NSLock()
    private var served: [String: Served] = [:]
    private var seen: [Seen] = []
    private let runner: Task<Void, Never>
    /// `http://127.0.0.1:<port>`.
    let baseURL: String

    private init(port: Int, runner: Task<Void, Never>) {
        self.baseURL = "http://127.0.0.1:\(port)"
        self.runner = runner
    }

    static func start() async throws -> FeedServer {
        let box = Box()
        let router = Router()
        router.get("/**") { request, _ -> Response in
            box.server!.answer(request)
        }
        let ports = AsyncStream<Int>.makeStream()
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: nil),
                              onServerRunning: { channel in ports.continuation.yield(channel.localAddress?.port ?? 0) })
        let runner = Task { _ = try? await app.run() }
        var iterator = ports.stream.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else { throw CancellationError() }
        let server = FeedServer(port: port, runner: runner)
        box.server = server
        return server
    }

    private final class Box: @unchecked Sendable { var server: FeedServer? }

    func stop() async {
        runner.cancel()
        await runner.value
    }

    func set(_ path: String, _ content: Served) { lock.withLock { served[path] = content } }
    func set(_ path: String, body: String) { set(path, Served(body: body)) }
    func update(_ path: String, _ change: (inout Served) -> Void) {
        lock.withLock { if var value = served[path] { change(&value); served[path] = value } }
    }
    func url(_ path: String) -> String { baseURL + path }
    var requests: [Seen] { lock.withLock { seen } }

    static func etag(_ body: String) -> String {
        var hash: UInt64 = 14_695_981_039_346_656_037
        for byte in body.utf8 { hash = (hash ^ UInt64(byte)) &* 1_099_511_628_211 }
        return "\"\(String(hash, radix: 16))\""
    }

    private func answer(_ request: Request) -> Response {
        let path = request.uri.path
        let ifNoneMatch = request.headers[.ifNoneMatch]
        let ifModifiedSince = request.headers[.ifModifiedSince]
        let content = lock.withLock { served[path] }
        var headers = HTTPFields()
        let status: Int
        var body = ""
        if let content {
            if let cacheControl = content.cacheControl { headers[.cacheControl] = cacheControl }
            if let retryAfter = content.retryAfter { headers[.retryAfter] = retryAfter }
            if content.status != 200 {
                status = content.status
            } else {
                let etag = Self.etag(content.body)
                headers[.eTag] = etag
                headers[.lastModified] = content.lastModified
                if ifNoneMatch == etag {
                    status = 304
                } else {
                    status = 200
                    body = content.body
                    headers[.contentType] = "text/plain"
                }
            }
        } else {
            status = 404
        }
        lock.withLock { seen.append(Seen(path: path, ifNoneMatch: ifNoneMatch, ifModifiedSince: ifModifiedSince, status: status)) }
        return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}

/// A clock the test moves by hand.
final class FeedTestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var offset: Duration = .zero
    private let origin = ContinuousClock.now

    var now: ContinuousClock.Instant { lock.withLock { origin + offset } }
    func advance(_ duration: Duration) { lock.withLock { offset += duration } }
}
