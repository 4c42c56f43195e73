import ControlPlaneHTTP
import Foundation
import Testing
import TestSupport

@testable import MCPGateway

/// HTTP upstreams through the gateway's shared HTTP transport: HTTPS with a trusted certificate
/// authority, and connections kept alive across requests (counted at the upstream).
@Suite("HTTP and HTTPS upstreams", .serialized, .timeLimit(.minutes(2)))
struct HTTPUpstreamTests {
    /// A self-signed certificate for 127.0.0.1, made with openssl; it is its own authority.
    struct SelfSignedCertificate {
        let directory: String
        var certificate: String { directory + "/upstream.crt" }
        var key: String { directory + "/upstream.key" }
        var pem: Data { FileManager.default.contents(atPath: certificate) ?? Data() }

        static func make() async throws -> SelfSignedCertificate {
            let directory = try makeTemporaryDirectory(prefix: "upstream-tls")
            _ = try await runCommandAsync("/usr/bin/openssl", [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", directory + "/upstream.key", "-out", directory + "/upstream.crt",
                "-days", "1", "-subj", "/CN=mcp-upstream", "-addext", "subjectAltName=IP:127.0.0.1",
            ])
            return SelfSignedCertificate(directory: directory)
        }
    }

    static let callEcho = #"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"echo","arguments":{"text":"over tls"}}}"#

    /// Requests and distinct connections the plugin fixture has seen.
    static func upstreamStats(_ url: String) async throws -> (requests: Int, connections: Int) {
        let statsURL = url.replacingOccurrences(of: "/mcp", with: "/stats")
        let response = try await TestHTTP.transport.send(HTTPRequest(url: statsURL, tls: TLSConfiguration(insecureSkipVerify: true)))
        let json = try JSONValue(parsing: Array(response.body))
        return (Int(json["requests"]?.intValue ?? -1), Int(json["connections"]?.intValue ?? -1))
    }

    @Test func httpsUpstreamIsReachedWithTheTrustedAuthorityAndRefusedWithout() async throws {
        try await Harness.requirePythonMCP()
        let tls = try await SelfSignedCertificate.make()
        defer { try? FileManager.default.removeItem(atPath: tls.directory) }
        let (upstream, url) = try await Harness.startPlugin(tls: (tls.certificate, tls.key))
        defer { upstream.stop() }
        #expect(url.hasPrefix("https://"))

        var trusting = Harness.configuration(upstream: .http(url: url))
        trusting.upstreamCertificateAuthorityPEM = tls.pem
        try await Harness.withGateway(trusting) { _, port, _ in
            let session = try await TestHTTP.initialize(port: port)
            let answer = try await TestHTTP.post(port: port, session: session, body: Self.callEcho)
            #expect(answer.status == 200)
            #expect(answer.json?["result"]?["content"]?.arrayValue?.first?["text"] == "over tls")
            #expect(answer.json?["id"] == 7)
        }

        // Without the authority the system store is used, which does not hold this certificate.
        try await Harness.withGateway(Harness.configuration(upstream: .http(url: url))) { app, port, _ in
            let initialize = #"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#
            let refused = try await TestHTTP.post(port: port, session: nil, body: initialize)
            #expect(refused.status == 502)
            #expect(await app.registry.count == 0)
            let metrics = try await TestHTTP.request(.GET, port: await app.adminPort(), path: "/metrics").body
            #expect(metrics.contains("mcp_gateway_upstream_up{upstream=\"main\"} 0"))
        }
    }

    @Test func connectionsToAnHTTPUpstreamAreReused() async throws {
        try await Harness.requirePythonMCP()
        let (upstream, url) = try await Harness.startPlugin()
        defer { upstream.stop() }
        try await Harness.withGateway(Harness.configuration(upstream: .http(url: url))) { _, port, _ in
            let session = try await TestHTTP.initialize(port: port)
            let before = try await Self.upstreamStats(url)
            for index in 0..<20 {
                let answer = try await TestHTTP.post(port: port, session: session,
                                                     body: #"{"jsonrpc":"2.0","id":\#(index),"method":"tools/call","params":{"name":"add","arguments":{"a":\#(index),"b":1}}}"#)
                #expect(answer.json?["result"]?["structuredContent"]?["result"] == .int(Int64(index + 1)), "\(answer.body)")
            }
            let after = try await Self.upstreamStats(url)
            #expect(after.requests - before.requests >= 20)
            // One connection per request would add 20; kept-alive connections add none or one.
            #expect(after.connections - before.connections <= 2, "\(before) → \(after)")
            #expect(after.connections <= 5, "\(after)")
        }
    }

    /// Fixtures/misbehaving_upstream.py and its MCP endpoint.
    static func startMisbehavingUpstream() async throws -> (PeerProcess, String) {
        let process = try await PeerProcess.start(executable: "/usr/bin/env", arguments: ["python3", "\(Harness.fixtures)/misbehaving_upstream.py"])
        return (process, "http://127.0.0.1:\(process.firstLine)/mcp")
    }

    @Test func aCallTheUpstreamEndsWithoutAnsweringGetsAnErrorNotAHang() async throws {
        let (upstream, url) = try await Self.startMisbehavingUpstream()
        defer { upstream.stop() }
        try await Harness.withGateway(Harness.configuration(upstream: .http(url: url))) { _, port, _ in
            let session = try await TestHTTP.initialize(port: port)
            for tool in ["stream", "empty"] {
                let answer = try await TestHTTP.post(port: port, session: session,
                                                     body: #"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"\#(tool)"}}"#)
                #expect(answer.json?["id"] == .int(7), "\(tool): \(answer.body)")
                #expect(answer.json?["error"]?["code"] == .int(Int64(JSONRPCError.upstreamUnavailableCode)), "\(tool): \(answer.body)")
            }
        }
    }

    @Test func anExpiredUpstreamSessionIsRenewedAndTheCallRetried() async throws {
        let (upstream, url) = try await Self.startMisbehavingUpstream()
        defer { upstream.stop() }
        try await Harness.withGateway(Harness.configuration(upstream: .http(url: url), warmPool: 0)) { _, port, _ in
            let session = try await TestHTTP.initialize(port: port)
            func call(_ tool: String, id: Int) async throws -> HTTPResult {
                try await TestHTTP.post(port: port, session: session, body: #"{"jsonrpc":"2.0","id":\#(id),"method":"tools/call","params":{"name":"\#(tool)"}}"#)
            }
            let first = try await call("whoami", id: 1).json?["result"]?["content"]?.arrayValue?.first?["text"]?.stringValue
            _ = try await call("expire", id: 2)
            // The upstream answers 404 for the forgotten session; the gateway starts a new one
            // (initialize, initialized) and sends the call again.
            let again = try await call("whoami", id: 3)
            let second = again.json?["result"]?["content"]?.arrayValue?.first?["text"]?.stringValue
            #expect(again.status == 200, "\(again.body)")
            #expect(second != nil && second != first, "\(again.body)")
            #expect(try await TestHTTP.post(port: port, session: session, body: #"{"jsonrpc":"2.0","id":4,"method":"ping"}"#).status == 200,
                    "the client's session lives on")
        }
    }

    @Test func theUpstreamsGetStreamIsReopenedOnTheRenewedSession() async throws {
        let (upstream, url) = try await Self.startMisbehavingUpstream()
        defer { upstream.stop() }
        try await Harness.withGateway(Harness.configuration(upstream: .http(url: url), warmPool: 0)) { _, port, _ in
            let session = try await TestHTTP.initialize(port: port)
            func call(_ tool: String, id: Int) async throws -> String? {
                try await TestHTTP.post(port: port, session: session, body: #"{"jsonrpc":"2.0","id":\#(id),"method":"tools/call","params":{"name":"\#(tool)"}}"#)
                    .json?["result"]?["content"]?.arrayValue?.first?["text"]?.stringValue
            }
            // The session expires and its GET stream ends; the gateway must open one on the new session.
            _ = try await call("expire", id: 1)
            var announced = false
            for attempt in 0..<100 where !announced {
                announced = try await call("announce", id: 10 + attempt) == "announced"
                if !announced { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(announced, "no GET stream on the renewed upstream session")
            let event = try await TestHTTP.firstStreamedEvent(port: port, session: session)
            #expect(try JSONValue(parsing: event)["method"] == "notifications/tools/list_changed")
        }
    }
}
