import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import KubeClient
import Testing
@testable import KubeTesting

/// Tests through HTTP on 127.0.0.1 with URLSession (requests) and a raw socket (watch streams).
@Suite struct HTTPTests {
    struct Reply {
        var status: Int
        var body: JSONValue
        var headers: [String: String]
    }

    func send(_ server: FakeAPIServer, _ method: String, _ path: String, body: JSONValue? = nil,
              contentType: String = "application/json") async throws -> Reply {
        var request = URLRequest(url: URL(string: server.baseURL + path)!)
        request.httpMethod = method
        if let body {
            request.httpBody = try body.data()
            request.setValue(contentType, forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as! HTTPURLResponse
        var headers: [String: String] = [:]
        for (key, value) in http.allHeaderFields { headers[String(describing: key).lowercased()] = String(describing: value) }
        return Reply(status: http.statusCode, body: (try? JSONValue(parsing: data)) ?? .string(String(decoding: data, as: UTF8.self)),
                     headers: headers)
    }

    func withServer(_ options: FakeAPIServer.Options = .init(), _ body: (FakeAPIServer) async throws -> Void) async throws {
        let server = try await FakeAPIServer.start(options: options)
        server.registerBuiltins()
        server.register(Fixture.mcpServers, statusSubresource: true, scale: Fixture.mcpScale)
        do {
            try await body(server)
        } catch {
            await server.shutdown()
            throw error
        }
        await server.shutdown()
    }

    @Test func crudFollowsTheRestLayoutAndStatusCodes() async throws {
        try await withServer { server in
            let collection = "/api/v1/namespaces/default/configmaps"
            let created = try await send(server, "POST", collection + "?fieldManager=tests", body: Fixture.configMap("c", data: ["a": "1"]))
            #expect(created.status == 201)
            #expect(created.headers["content-type"] == "application/json")
            let fetched = try await send(server, "GET", collection + "/c")
            #expect(fetched.status == 200)
            #expect(fetched.body == created.body)
            #expect(server.object(Fixture.configMaps, namespace: "default", name: "c") == created.body)

            let missing = try await send(server, "GET", collection + "/nope")
            #expect(missing.status == 404)
            #expect(missing.body["kind"] == "Status")
            #expect(missing.body["message"] == "configmaps \"nope\" not found")
            let unknown = try await send(server, "GET", "/apis/unknown.io/v1/things")
            #expect(unknown.status == 404)
            #expect(unknown.body["message"] == "the server could not find the requested resource")

            let list = try await send(server, "GET", "/api/v1/configmaps?labelSelector=" + "a%20notin%20(b)")
            #expect(list.body["items"]?.arrayValue?.count == 1)

            let deleted = try await send(server, "DELETE", collection + "/c")
            #expect(deleted.status == 200)
            #expect(deleted.body["status"] == "Success")
            #expect(deleted.body["details"]?["name"] == "c")
            #expect(server.requests.map(\.method) == ["POST", "GET", "GET", "GET", "GET", "DELETE"])
            #expect(server.writes.count == 2)
            #expect(server.requests.first?.query == ["fieldManager": "tests"])
        }
    }

    @Test func applyOverHTTPCreatesThenIsANoOp() async throws {
        try await withServer { server in
            let path = "/apis/mcpoperator.io/v1alpha1/namespaces/default/mcpservers/s?fieldManager=operator&force=true"
            let first = try await send(server, "PATCH", path, body: Fixture.mcpServer("s"), contentType: "application/apply-patch+yaml")
            #expect(first.status == 201)
            let version = server.currentResourceVersion
            let second = try await send(server, "PATCH", path, body: Fixture.mcpServer("s"), contentType: "application/apply-patch+yaml")
            #expect(second.status == 200)
            #expect(server.currentResourceVersion == version)
            let scale = try await send(server, "GET", "/apis/mcpoperator.io/v1alpha1/namespaces/default/mcpservers/s/scale")
            #expect(scale.body["spec"]?["replicas"] == 1)
            let unsupported = try await send(server, "PATCH", path, body: [:], contentType: "application/xml")
            #expect(unsupported.status == 415)
        }
    }

    @Test func injectedFailuresAnswerWithAStatusAndRetryAfter() async throws {
        try await withServer { server in
            server.injectFailures(count: 1, status: 429, retryAfterSeconds: 3) { $0.method == "GET" }
            let throttled = try await send(server, "GET", "/api/v1/namespaces/default/configmaps")
            #expect(throttled.status == 429)
            #expect(throttled.body["reason"] == "TooManyRequests")
            #expect(throttled.body["details"]?["retryAfterSeconds"] == 3)
            #expect(throttled.headers["retry-after"] == "3")
            let fine = try await send(server, "GET", "/api/v1/namespaces/default/configmaps")
            #expect(fine.status == 200)
            #expect(server.requests.count == 2)
        }
    }

    @Test func watchesStreamEventsAsTheyHappenAndEndCleanly() async throws {
        try await withServer { server in
            server.seed(Fixture.configMaps, Fixture.configMap("a"))
            let connection = try RawHTTPConnection(port: server.port)
            try connection.get("/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=0")
            let first = await connection.nextEvent()
            #expect(connection.statusCode == 200)
            #expect(connection.headers["transfer-encoding"] == "chunked")
            #expect(connection.headers["content-type"] == "application/json")
            #expect(first?["type"] == "ADDED")

            // A change made while the stream is open arrives before the stream ends.
            try server.modify(Fixture.configMaps, namespace: "default", name: "a") { $0["data"] = ["k": "v"] }
            let second = await connection.nextEvent()
            #expect(second?["type"] == "MODIFIED")
            #expect(second?["object"]?["data"] == ["k": "v"])
            #expect(server.activeWatchCount == 1)

            server.closeAllWatches()
            #expect(await connection.waitForEnd())
        }
    }

    @Test func watchesSendBookmarksAndTimeOut() async throws {
        try await withServer(.init(bookmarkInterval: .milliseconds(100))) { server in
            let connection = try RawHTTPConnection(port: server.port)
            try connection.get("/apis/mcpoperator.io/v1alpha1/mcpservers?watch=true&allowWatchBookmarks=true&timeoutSeconds=1&resourceVersion="
                               + server.currentResourceVersion)
            let line = await connection.nextEvent()
            #expect(line?["type"] == "BOOKMARK")
            #expect(line?["object"]?["metadata"]?["resourceVersion"] == .string(server.currentResourceVersion))
            #expect(await connection.waitForEnd(timeout: .seconds(5)))
        }
    }

    @Test func watchesFromATooOldVersionGetAnExpiredErrorEvent() async throws {
        try await withServer { server in
            let seeded = server.seed(Fixture.configMaps, Fixture.configMap("a"))
            server.seed(Fixture.configMaps, Fixture.configMap("b"))
            server.compactHistory()
            let connection = try RawHTTPConnection(port: server.port)
            try connection.get("/api/v1/configmaps?watch=1&resourceVersion=" + seeded.metadataResourceVersion)
            let line = await connection.nextEvent()
            #expect(connection.statusCode == 200)
            #expect(line?["type"] == "ERROR")
            #expect(line?["object"]?["code"] == 410)
            #expect(await connection.waitForEnd())
        }
    }
}
