import ControlPlaneHTTP
import Foundation
import TestSupport
import Testing

@Suite struct ProxySelectionTests {
    let both = ProxySelection(environment: ["HTTP_PROXY": "http://proxy:3128", "https_proxy": "http://secure-proxy:3128"])

    @Test func theSchemeChoosesTheVariable() {
        #expect(both.proxy(for: "http://example.com/api") == "http://proxy:3128")
        #expect(both.proxy(for: "https://example.com/api") == "http://secure-proxy:3128")
        #expect(ProxySelection(environment: ["http_proxy": "http://p:1"]).proxy(for: "https://example.com") == nil)
    }

    @Test func theUpperCaseNameWins() {
        let selection = ProxySelection(environment: ["HTTP_PROXY": "http://upper:1", "http_proxy": "http://lower:1"])
        #expect(selection.proxy(for: "http://example.com") == "http://upper:1")
    }

    @Test func loopbackHostsAreNeverProxied() {
        for url in ["http://127.0.0.1:8080/x", "http://127.1.2.3/", "http://localhost:9/", "https://[::1]:443/", "http://api.localhost/"] {
            #expect(both.proxy(for: url) == nil, "\(url)")
        }
        #expect(both.proxy(for: "http://128.0.0.1/") == "http://proxy:3128")
    }

    @Test func noProxyEntriesMatchNamesDomainsPortsAndRanges() {
        let selection = ProxySelection(environment: [
            "HTTPS_PROXY": "http://p:1", "HTTP_PROXY": "http://p:1",
            "NO_PROXY": " internal.example , .svc,cluster.local, 10.0.0.0/8, 192.168.1.5, api.example.com:6443, *.corp",
        ])
        let direct = ["https://internal.example/", "http://kubernetes.default.svc/", "http://a.b.cluster.local/",
                      "https://10.96.0.1/", "http://192.168.1.5:8080/", "https://api.example.com:6443/", "http://x.corp/"]
        for url in direct { #expect(selection.proxy(for: url) == nil, "\(url)") }
        let proxied = ["https://other.example/", "http://notsvc/", "https://11.0.0.1/", "http://192.168.1.6/",
                       "https://api.example.com/", "http://xcluster.local/"]
        for url in proxied { #expect(selection.proxy(for: url) == "http://p:1", "\(url)") }
        #expect(ProxySelection(environment: ["HTTP_PROXY": "http://p:1", "no_proxy": "*"]).proxy(for: "http://a/") == nil)
    }

    @Test func anEmptyEnvironmentMeansDirect() {
        #expect(ProxySelection(environment: [:]).proxy(for: "https://example.com/") == nil)
        #expect(ProxySelection.none == ProxySelection(environment: ["NO_PROXY": ""]))
    }

    @Test func theTransportSendsOtherHostsThroughTheProxyAndLoopbackDirect() async throws {
        let peer = try await startPeer()
        // The peer plays the proxy for a name that resolves nowhere: it sees the absolute URI.
        let viaPeer = HTTPTransport(configuration: HTTPTransportConfiguration(
            proxy: ProxySelection(environment: ["http_proxy": "http://127.0.0.1:\(peer.firstLine)"])))
        let proxied = try await viaPeer.send(HTTPRequest(url: "http://upstream.invalid/echo?via=proxy"))
        let echo = try JSONDecoder().decode(Echo.self, from: proxied.body)
        #expect(echo.target == "http://upstream.invalid/echo?via=proxy")
        // A proxy that refuses every connection does not stand between a client and loopback, and
        // libcurl's own reading of the environment is off: the process's variables do not apply.
        let deadProxy = HTTPTransport(configuration: HTTPTransportConfiguration(
            proxy: ProxySelection(environment: ["HTTP_PROXY": "http://127.0.0.1:1", "http_proxy": "http://127.0.0.1:1"])))
        let direct = try await deadProxy.send(HTTPRequest(url: "http://127.0.0.1:\(peer.firstLine)/echo"))
        #expect(direct.status == 200)
        #expect(try JSONDecoder().decode(Echo.self, from: direct.body).target == "/echo")
    }
}
