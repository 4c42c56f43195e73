@testable import ControlPlaneHTTP
import Foundation
import TestSupport
import Testing

/// The peer server script beside these tests.
let peerScript = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/peer_server.py").path

func startPeer(_ arguments: [String] = []) async throws -> PeerProcess {
    try await PeerProcess.start(executable: "/usr/bin/env", arguments: ["python3", peerScript] + arguments)
}

struct Echo: Decodable {
    var method: String
    var query: String
    var target: String
    var headers: [String: String]
    var body: String
    var clientPort: Int
    var clientCN: String?
}

@Suite struct HTTPTransportTests {
    @Test func sendsMethodHeadersAndBody() async throws {
        let peer = try await startPeer()
        let transport = HTTPTransport()
        var headers = HTTPHeaders()
        headers.add("X-Test", "yes")
        headers.add("Content-Type", "application/json")
        let response = try await transport.send(HTTPRequest(method: "PATCH", url: "http://127.0.0.1:\(peer.firstLine)/echo?a=1",
                                                            headers: headers, body: Data("{\"k\":1}".utf8)))
        #expect(response.status == 200)
        #expect(response.headers["content-type"] == "application/json")
        let echo = try JSONDecoder().decode(Echo.self, from: response.body)
        #expect(echo.method == "PATCH")
        #expect(echo.query == "a=1")
        #expect(echo.headers["x-test"] == "yes")
        #expect(echo.body == "{\"k\":1}")
    }

    @Test func reusesTheConnectionAcrossRequests() async throws {
        let peer = try await startPeer()
        let transport = HTTPTransport()
        var ports: Set<Int> = []
        for _ in 0..<5 {
            let response = try await transport.send(HTTPRequest(url: "http://127.0.0.1:\(peer.firstLine)/echo"))
            ports.insert(try JSONDecoder().decode(Echo.self, from: response.body).clientPort)
        }
        #expect(ports.count == 1)
    }

    @Test func streamsRecordsSpanningManyReads() async throws {
        let peer = try await startPeer()
        let transport = HTTPTransport()
        let response = try await transport.stream(HTTPRequest(url: "http://127.0.0.1:\(peer.firstLine)/stream?n=200&size=300&piece=7"))
        #expect(response.status == 200)
        var indexes: [Int] = []
        for try await record in response.records {
            let object = try JSONSerialization.jsonObject(with: record) as! [String: Any]
            indexes.append(object["i"] as! Int)
            #expect((object["pad"] as! String).count == 300)
        }
        #expect(indexes == Array(0..<200))
    }

    @Test func streamHeadArrivesBeforeTheBodyEnds() async throws {
        let peer = try await startPeer()
        let transport = HTTPTransport()
        let response = try await transport.stream(HTTPRequest(url: "http://127.0.0.1:\(peer.firstLine)/hang"))
        #expect(response.status == 200)
        var iterator = response.records.makeAsyncIterator()
        let first = try await iterator.next()
        #expect(first.map { String(decoding: $0, as: UTF8.self) } == "{\"hello\":true}")
    }

    @Test func chunksAreStreamedOnlyWhenTheHeadAsksForIt() async throws {
        let peer = try await startPeer()
        let transport = HTTPTransport()
        let url = "http://127.0.0.1:\(peer.firstLine)/stream?n=20&size=10&piece=7&pause=0.002"
        func chunks(_ response: HTTPStreamResponse) async throws -> [Data] {
            var all: [Data] = []
            for try await chunk in response.records { all.append(chunk) }
            return all
        }
        let held = try await transport.streamChunks(HTTPRequest(url: url), streamWhen: { _ in false })
        #expect(held.status == 200)
        #expect(held.headers["content-type"] == "application/json")
        let whole = try await chunks(held)
        #expect(whole.count == 1, "a body the head did not ask to stream comes whole")
        #expect(String(decoding: whole[0], as: UTF8.self).split(whereSeparator: \.isNewline).count == 20)

        let streamed = try await transport.streamChunks(HTTPRequest(url: url), streamWhen: { $0["content-type"] == "application/json" })
        let pieces = try await chunks(streamed)
        #expect(pieces.count > 1, "a body the head asks to stream comes as it arrives")
        #expect(pieces.reduce(Data(), +) == whole[0])
    }

    @Test func aStreamedBodyStartsBeforeItEnds() async throws {
        let peer = try await startPeer()
        let transport = HTTPTransport()
        let response = try await transport.streamChunks(HTTPRequest(url: "http://127.0.0.1:\(peer.firstLine)/hang"),
                                                        streamWhen: { $0["content-type"] == "application/json" })
        var iterator = response.records.makeAsyncIterator()
        let first = try await iterator.next()
        #expect(first.map { String(decoding: $0, as: UTF8.self) } == "{\"hello\":true}\n")
    }

    @Test func cancellingTheTaskAbortsABufferedTransfer() async throws {
        let peer = try await startPeer()
        let transport = HTTPTransport()
        let task = Task {
            try await transport.send(HTTPRequest(url: "http://127.0.0.1:\(peer.firstLine)/slow?seconds=30", timeout: .seconds(60)))
        }
        try await Task.sleep(for: .milliseconds(200))
        task.cancel()
        let result = await task.result
        guard case .failure(let error) = result, let transportError = error as? TransportError else {
            Issue.record("expected a cancellation error, got \(result)")
            return
        }
        #expect(transportError.isCancellation)
    }

    @Test func theTrustStoreIsFoundWhereTheDistributionKeepsIt() {
        let exists = { (files: Set<String>) in { (path: String) in files.contains(path) } }
        // Debian's path is libcurl's own: nothing to set.
        #expect(SystemTrustStore.locate(environment: [:], installRoot: "/opt/mcp-gateway",
                                        exists: exists(["/etc/ssl/certs/ca-certificates.crt"])) == nil)
        // A RHEL-based image.
        #expect(SystemTrustStore.locate(environment: [:], installRoot: "/opt/mcp-gateway",
                                        exists: exists(["/etc/pki/tls/certs/ca-bundle.crt"])) == "/etc/pki/tls/certs/ca-bundle.crt")
        // An image with no bundle: the one the gateway's install folder ships.
        #expect(SystemTrustStore.locate(environment: [:], installRoot: "/opt/mcp-gateway",
                                        exists: exists(["/opt/mcp-gateway/etc/ca-certificates.crt"])) == "/opt/mcp-gateway/etc/ca-certificates.crt")
        // SSL_CERT_FILE wins when it names a file.
        #expect(SystemTrustStore.locate(environment: ["SSL_CERT_FILE": "/certs/corp.pem"], installRoot: nil,
                                        exists: exists(["/certs/corp.pem", "/etc/ssl/certs/ca-certificates.crt"])) == "/certs/corp.pem")
        #expect(SystemTrustStore.locate(environment: [:], installRoot: nil, exists: exists([])) == nil)
    }

    @Test func aTaskCancelledBeforeSendingGetsTheSameCancellationError() async throws {
        let transport = HTTPTransport()
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await transport.send(HTTPRequest(url: "http://127.0.0.1:9/never"))
        }
        guard case .failure(let error) = await task.result, let transportError = error as? TransportError else {
            Issue.record("expected a TransportError")
            return
        }
        #expect(transportError.isCancellation)
    }

    @Test func cancellingTheIteratingTaskEndsAStream() async throws {
        let peer = try await startPeer()
        let transport = HTTPTransport()
        let response = try await transport.stream(HTTPRequest(url: "http://127.0.0.1:\(peer.firstLine)/hang"))
        let task = Task {
            var count = 0
            for try await _ in response.records { count += 1 }
            return count
        }
        try await Task.sleep(for: .milliseconds(200))
        task.cancel()
        _ = await task.result  // ends instead of hanging for the minute the peer would wait
        // The transport is still usable afterwards.
        let after = try await transport.send(HTTPRequest(url: "http://127.0.0.1:\(peer.firstLine)/echo"))
        #expect(after.status == 200)
    }

    @Test func idleTimeoutEndsASilentStream() async throws {
        let peer = try await startPeer()
        let transport = HTTPTransport()
        let response = try await transport.stream(HTTPRequest(url: "http://127.0.0.1:\(peer.firstLine)/hang", idleTimeout: .seconds(1)))
        await #expect(throws: TransportError.self) {
            for try await _ in response.records {}
        }
    }

    @Test func totalTimeoutEndsASlowRequest() async throws {
        let peer = try await startPeer()
        let transport = HTTPTransport()
        do {
            _ = try await transport.send(HTTPRequest(url: "http://127.0.0.1:\(peer.firstLine)/slow?seconds=10", timeout: .milliseconds(300)))
            Issue.record("expected a timeout")
        } catch let error as TransportError {
            #expect(error.isTimeout)
        }
    }

    @Test func unreachableServerNamesTheURLAndTheCurlError() async throws {
        let transport = HTTPTransport()
        do {
            _ = try await transport.send(HTTPRequest(url: "http://127.0.0.1:1/api"))
            Issue.record("expected a connection error")
        } catch let error as TransportError {
            #expect(error.description.contains("http://127.0.0.1:1/api"))
            #expect(error.curlCode == 7)
        }
    }

    @Test func talksHTTPOverAUnixSocket() async throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let socket = directory + "/peer.sock"
        let peer = try await startPeer(["--unix", socket])
        #expect(peer.firstLine == socket)
        let transport = HTTPTransport(configuration: HTTPTransportConfiguration(unixSocketPath: socket))
        let response = try await transport.send(HTTPRequest(method: "POST", url: "http://localhost/echo", body: Data("hi".utf8)))
        let echo = try JSONDecoder().decode(Echo.self, from: response.body)
        #expect(echo.body == "hi")
        let stream = try await transport.stream(HTTPRequest(url: "http://localhost/stream?n=20&size=10&piece=3"))
        var count = 0
        for try await _ in stream.records { count += 1 }
        #expect(count == 20)
    }

    @Test func rejectsHeaderInjection() async throws {
        let transport = HTTPTransport()
        var headers = HTTPHeaders()
        headers.add("X-Evil", "a\r\nInjected: 1")
        await #expect(throws: TransportError.self) {
            _ = try await transport.send(HTTPRequest(url: "http://127.0.0.1:1/", headers: headers))
        }
    }

    @Test func manyConcurrentRequestsAllComplete() async throws {
        let peer = try await startPeer()
        let transport = HTTPTransport()
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<50 {
                group.addTask {
                    try await transport.send(HTTPRequest(method: "POST", url: "http://127.0.0.1:\(peer.firstLine)/echo",
                                                         body: Data("\(index)".utf8))).status
                }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(statuses.count == 50)
        #expect(statuses.allSatisfy { $0 == 200 })
    }
}
