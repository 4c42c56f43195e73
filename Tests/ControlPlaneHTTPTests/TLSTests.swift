import ControlPlaneHTTP
import Foundation
import TestSupport
import Testing

/// A CA, a server certificate valid only for `kube.test` and 127.0.0.1, and a client certificate,
/// made with openssl in a temporary folder for one test run.
struct TestPKI {
    let directory: String
    var caPEM: Data { FileManager.default.contents(atPath: directory + "/ca.crt")! }
    var clientCertificatePEM: Data { FileManager.default.contents(atPath: directory + "/client.crt")! }
    var clientKeyPEM: Data { FileManager.default.contents(atPath: directory + "/client.key")! }

    static func make(serverNames: String = "DNS:kube.test,IP:127.0.0.1") async throws -> TestPKI {
        try await onDedicatedThread { try TestPKI(serverNames: serverNames) }
    }

    init(serverNames: String) throws {
        directory = try makeTemporaryDirectory(prefix: "pki")
        let openssl = "/usr/bin/openssl"
        func run(_ arguments: [String]) throws { try runCommand(openssl, arguments, in: directory) }
        try run(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "1",
                 "-subj", "/CN=test-ca"])
        try "subjectAltName=\(serverNames)\n".write(toFile: directory + "/server.ext", atomically: true, encoding: .utf8)
        try run(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=kube-apiserver"])
        try run(["x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.crt",
                 "-days", "1", "-extfile", "server.ext"])
        try run(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "client.key", "-out", "client.csr", "-subj", "/CN=operator-user"])
        try run(["x509", "-req", "-in", "client.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", "client.crt",
                 "-days", "1"])
    }

    func startServer(requireClientCertificate: Bool = true) async throws -> PeerProcess {
        var arguments = ["--cert", directory + "/server.crt", "--key", directory + "/server.key"]
        if requireClientCertificate { arguments += ["--client-ca", directory + "/ca.crt"] }
        return try await startPeer(arguments)
    }
}

@Suite(.serialized) struct TLSTests {
    @Test func mutualTLSWithCertificatesFromMemory() async throws {
        let pki = try await TestPKI.make()
        defer { try? FileManager.default.removeItem(atPath: pki.directory) }
        let server = try await pki.startServer()
        let tls = TLSConfiguration(certificateAuthorityPEM: pki.caPEM, clientCertificatePEM: pki.clientCertificatePEM,
                                   clientKeyPEM: pki.clientKeyPEM)
        let transport = HTTPTransport(configuration: HTTPTransportConfiguration(tls: tls))
        let response = try await transport.send(HTTPRequest(url: "https://127.0.0.1:\(server.firstLine)/echo"))
        #expect(response.status == 200)
        let echo = try JSONDecoder().decode(Echo.self, from: response.body)
        #expect(echo.clientCN == "operator-user")
    }

    @Test func serverOutsideTheGivenCAIsRefused() async throws {
        let pki = try await TestPKI.make()
        let other = try await TestPKI.make()
        defer {
            try? FileManager.default.removeItem(atPath: pki.directory)
            try? FileManager.default.removeItem(atPath: other.directory)
        }
        let server = try await pki.startServer(requireClientCertificate: false)
        // Trusting another CA (and not the system store) must fail verification.
        let transport = HTTPTransport(configuration: HTTPTransportConfiguration(tls: TLSConfiguration(certificateAuthorityPEM: other.caPEM)))
        do {
            _ = try await transport.send(HTTPRequest(url: "https://127.0.0.1:\(server.firstLine)/echo"))
            Issue.record("expected verification to fail")
        } catch let error as TransportError {
            #expect(error.curlCode == 60)
        }
        // With no CA at all the system store is used, which does not hold the test CA either.
        let systemStore = HTTPTransport()
        await #expect(throws: TransportError.self) {
            _ = try await systemStore.send(HTTPRequest(url: "https://127.0.0.1:\(server.firstLine)/echo"))
        }
    }

    @Test func insecureSkipVerifyOnlyWhenAsked() async throws {
        let pki = try await TestPKI.make()
        defer { try? FileManager.default.removeItem(atPath: pki.directory) }
        let server = try await pki.startServer(requireClientCertificate: false)
        let transport = HTTPTransport(configuration: HTTPTransportConfiguration(tls: TLSConfiguration(insecureSkipVerify: true)))
        let response = try await transport.send(HTTPRequest(url: "https://127.0.0.1:\(server.firstLine)/echo"))
        #expect(response.status == 200)
    }

    @Test func missingClientCertificateIsRefusedByTheServer() async throws {
        let pki = try await TestPKI.make()
        defer { try? FileManager.default.removeItem(atPath: pki.directory) }
        let server = try await pki.startServer()
        let transport = HTTPTransport(configuration: HTTPTransportConfiguration(tls: TLSConfiguration(certificateAuthorityPEM: pki.caPEM)))
        await #expect(throws: TransportError.self) {
            _ = try await transport.send(HTTPRequest(url: "https://127.0.0.1:\(server.firstLine)/echo"))
        }
    }

    @Test func serverNameOverridesTheNameVerified() async throws {
        let pki = try await TestPKI.make(serverNames: "DNS:kube.test")
        defer { try? FileManager.default.removeItem(atPath: pki.directory) }
        let server = try await pki.startServer(requireClientCertificate: false)
        let url = "https://127.0.0.1:\(server.firstLine)/echo"
        let plain = HTTPTransport(configuration: HTTPTransportConfiguration(tls: TLSConfiguration(certificateAuthorityPEM: pki.caPEM)))
        await #expect(throws: TransportError.self) { _ = try await plain.send(HTTPRequest(url: url)) }
        let named = HTTPTransport(configuration: HTTPTransportConfiguration(
            tls: TLSConfiguration(certificateAuthorityPEM: pki.caPEM, serverName: "kube.test")))
        let response = try await named.send(HTTPRequest(url: url))
        #expect(response.status == 200)
    }
}
