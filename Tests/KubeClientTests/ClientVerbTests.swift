import Foundation
import KubeClient
import KubeTesting
import Testing

/// A fake API server with the built-in kinds, and a client pointed at it.
func makeFakeCluster(retryPolicy: RetryPolicy = RetryPolicy(initialDelay: .milliseconds(5), maxDelay: .milliseconds(50)),
                     credentials: (any CredentialSource)? = nil) async throws -> (FakeAPIServer, KubernetesClient) {
    let server = try await FakeAPIServer.start()
    server.registerBuiltins()
    let client = KubernetesClient(configuration: ClientConfiguration(server: server.baseURL, credentials: credentials),
                                  retryPolicy: retryPolicy)
    return (server, client)
}

func configMap(_ name: String, namespace: String = "default", data: [String: String] = ["k": "v"]) -> ConfigMap {
    ConfigMap(metadata: ObjectMeta(name: name, namespace: namespace), data: data)
}

/// Sets `data[key]` of a stored ConfigMap, as another writer would.
private func setData(_ object: inout JSONValue, _ key: String, _ value: String) {
    guard case .object(var root) = object else { return }
    var data: [String: JSONValue] = [:]
    if case .object(let existing)? = root["data"] { data = existing }
    data[key] = .string(value)
    root["data"] = .object(data)
    object = .object(root)
}

@Suite struct ClientVerbTests {
    @Test func createGetUpdateDelete() async throws {
        let (server, client) = try await makeFakeCluster()
        defer { Task { await server.shutdown() } }
        let created = try await client.create(configMap("a"))
        #expect(created.metadata.uid != nil)
        #expect(created.metadata.resourceVersion != nil)
        var read = try await client.get(ConfigMap.self, name: "a", namespace: "default")
        #expect(read.data?["k"] == "v")
        read.data = ["k": "w"]
        let updated = try await client.update(read)
        #expect(updated.data?["k"] == "w")
        #expect(updated.metadata.resourceVersion != read.metadata.resourceVersion)
        try await client.delete(ConfigMap.self, name: "a", namespace: "default")
        do {
            _ = try await client.get(ConfigMap.self, name: "a", namespace: "default")
            Issue.record("expected 404")
        } catch let error as KubernetesError {
            #expect(error.isNotFound)
            #expect(error.reason == "NotFound")
            #expect(error.message.contains("\"a\""))
        }
    }

    @Test func staleUpdateIsATypedConflict() async throws {
        let (server, client) = try await makeFakeCluster()
        defer { Task { await server.shutdown() } }
        let first = try await client.create(configMap("c"))
        var second = first
        second.data = ["k": "1"]
        _ = try await client.update(second)
        var stale = first
        stale.data = ["k": "2"]
        do {
            _ = try await client.update(stale)
            Issue.record("expected a conflict")
        } catch let error as KubernetesError {
            #expect(error.isConflict)
            #expect(error.code == 409)
            #expect(error.message.contains("the object has been modified"))
        }
    }

    @Test func updateRetryingConflictsReadsAndChangesAgainAfterAnotherWriter() async throws {
        let (server, client) = try await makeFakeCluster()
        defer { Task { await server.shutdown() } }
        _ = try await client.create(configMap("r", data: ["mine": "0"]))
        var attempts = 0
        let updated = try await client.update(ConfigMap.self, name: "r", namespace: "default") { object in
            attempts += 1
            if attempts == 1 {
                // Another writer gets in between this read and the update.
                try? server.modify(ConfigMap.resourceType, namespace: "default", name: "r") { setData(&$0, "theirs", "1") }
            }
            object.data?["mine"] = "\(attempts)"
        }
        #expect(attempts == 2)
        #expect(updated.data == ["mine": "2", "theirs": "1"])
    }

    @Test func updateRetryingConflictsGivesUpAfterItsAttempts() async throws {
        let (server, client) = try await makeFakeCluster()
        defer { Task { await server.shutdown() } }
        _ = try await client.create(configMap("busy"))
        var attempts = 0
        await #expect(throws: KubernetesError.self) {
            try await client.update(ConfigMap.self, name: "busy", namespace: "default", attempts: 3) { object in
                attempts += 1
                try? server.modify(ConfigMap.resourceType, namespace: "default", name: "busy") { setData(&$0, "n", "\(attempts)") }
                object.data?["k"] = "mine"
            }
        }
        #expect(attempts == 3)
    }

    @Test func createOfATakenNameIsAlreadyExists() async throws {
        let (server, client) = try await makeFakeCluster()
        defer { Task { await server.shutdown() } }
        _ = try await client.create(configMap("dup"))
        do {
            _ = try await client.create(configMap("dup"))
            Issue.record("expected AlreadyExists")
        } catch let error as KubernetesError {
            #expect(error.isAlreadyExists)
            #expect(!error.isConflict)
        }
    }

    @Test func invalidObjectKeepsTheCauses() async throws {
        let (server, client) = try await makeFakeCluster()
        defer { Task { await server.shutdown() } }
        do {
            _ = try await client.create(ConfigMap(metadata: ObjectMeta(namespace: "default"), data: [:]))
            Issue.record("expected Invalid")
        } catch let error as KubernetesError {
            #expect(error.isInvalid)
            #expect(error.causes.contains { $0.field == "metadata.name" })
            #expect(error.description.contains("metadata.name"))
        }
    }

    @Test func listPagesOver2000Objects() async throws {
        let (server, client) = try await makeFakeCluster()
        defer { Task { await server.shutdown() } }
        for index in 0..<2000 {
            server.seed(ConfigMap.resourceType, try JSONValue(encoding: configMap(String(format: "cm-%04d", index))))
        }
        let page = try await client.list(ConfigMap.self, namespace: "default", options: ListOptions(limit: 300))
        #expect(page.items.count == 300)
        #expect(page.metadata.continue?.isEmpty == false)
        let all = try await client.listAll(ConfigMap.self, namespace: "default", pageSize: 300)
        #expect(all.items.count == 2000)
        #expect(Set(all.items.map(\.name)).count == 2000)
        #expect(all.metadata.resourceVersion != nil)
        let gets = server.requests.filter { $0.method == "GET" && $0.path.hasSuffix("/configmaps") }
        #expect(gets.count == 1 + 7)  // the single page, then ceil(2000 / 300) pages
    }

    @Test func listFiltersByLabelSelector() async throws {
        let (server, client) = try await makeFakeCluster()
        defer { Task { await server.shutdown() } }
        var labelled = configMap("l1")
        labelled.metadata.labels = ["app": "web", "tier": "front"]
        _ = try await client.create(labelled)
        _ = try await client.create(configMap("l2"))
        let list = try await client.list(ConfigMap.self, namespace: "default", options: ListOptions(labelSelector: "app=web,tier in (front,back)"))
        #expect(list.items.map(\.name) == ["l1"])
    }

    @Test func mergeAndJSONPatch() async throws {
        let (server, client) = try await makeFakeCluster()
        defer { Task { await server.shutdown() } }
        _ = try await client.create(configMap("p", data: ["a": "1", "b": "2"]))
        let merged = try await client.patch(ConfigMap.self, name: "p", namespace: "default", .merge(["data": ["a": nil, "c": "3"]]))
        #expect(merged.data == ["b": "2", "c": "3"])
        let patched = try await client.patch(ConfigMap.self, name: "p", namespace: "default",
                                             .json([["op": "replace", "path": "/data/b", "value": "20"]]))
        #expect(patched.data?["b"] == "20")
        await #expect(throws: KubernetesError.self) {
            _ = try await client.patch(ConfigMap.self, name: "p", namespace: "default",
                                       .json([["op": "test", "path": "/data/b", "value": "nope"]]))
        }
    }

    @Test func serverSideApplyOwnsFieldsAndConflicts() async throws {
        let (server, client) = try await makeFakeCluster()
        defer { Task { await server.shutdown() } }
        let applied = try await client.apply(configMap("s", data: ["owned": "1"]), fieldManager: "operator")
        #expect(applied.data == ["owned": "1"])
        #expect(applied.metadata.managedFields?.contains { $0.manager == "operator" && $0.operation == "Apply" } == true)
        // A second manager applying a different value for the same field conflicts...
        do {
            _ = try await client.apply(configMap("s", data: ["owned": "2"]), fieldManager: "someone-else")
            Issue.record("expected an apply conflict")
        } catch let error as KubernetesError {
            #expect(error.isConflict)
        }
        // ...unless it forces, which moves ownership.
        let forced = try await client.apply(configMap("s", data: ["owned": "2"]), fieldManager: "someone-else", force: true)
        #expect(forced.data?["owned"] == "2")
        // Applying the same thing again changes nothing, not even the resourceVersion.
        let again = try await client.apply(configMap("s", data: ["owned": "2"]), fieldManager: "someone-else", force: true)
        #expect(again.metadata.resourceVersion == forced.metadata.resourceVersion)
    }

    @Test func statusAndScaleSubresources() async throws {
        let (server, client) = try await makeFakeCluster()
        defer { Task { await server.shutdown() } }
        let deployment = Deployment(
            metadata: ObjectMeta(name: "d", namespace: "default"),
            spec: DeploymentSpec(replicas: 1, selector: LabelSelector(matchLabels: ["app": "d"]),
                                 template: PodTemplateSpec(metadata: ObjectMeta(labels: ["app": "d"]),
                                                           spec: PodSpec(containers: [Container(name: "c", image: "busybox")]))))
        let created = try await client.create(deployment)
        #expect(created.metadata.generation == 1)
        var withStatus = created
        withStatus.status = DeploymentStatus(replicas: 1, readyReplicas: 1)
        let statusWritten = try await client.updateStatus(withStatus)
        #expect(statusWritten.status?.readyReplicas == 1)
        #expect(statusWritten.metadata.generation == 1)  // status writes never bump generation
        let scale = try await client.getScale(Deployment.resourceType, name: "d", namespace: "default")
        #expect(scale.spec?.replicas == 1)
        let scaled = try await client.scale(Deployment.resourceType, name: "d", namespace: "default", replicas: 3)
        #expect(scaled.spec?.replicas == 3)
        let after = try await client.get(Deployment.self, name: "d", namespace: "default")
        #expect(after.spec?.replicas == 3)
        #expect(after.metadata.generation == 2)
    }

    @Test func deleteWithFinalizersAndPreconditions() async throws {
        let (server, client) = try await makeFakeCluster()
        defer { Task { await server.shutdown() } }
        var object = configMap("f")
        object.metadata.finalizers = ["example.com/hold"]
        let created = try await client.create(object)
        // A precondition on a different uid refuses the delete.
        await #expect(throws: KubernetesError.self) {
            try await client.delete(ConfigMap.self, name: "f", namespace: "default",
                                    options: DeleteOptions(preconditions: .init(uid: "not-the-uid")))
        }
        let pending = try await client.delete(ConfigMap.self, name: "f", namespace: "default",
                                              options: DeleteOptions(preconditions: .init(uid: created.metadata.uid)))
        #expect(pending?.metadata.deletionTimestamp != nil)
        var held = try await client.get(ConfigMap.self, name: "f", namespace: "default")
        held.metadata.finalizers = []
        _ = try await client.update(held)
        await #expect(throws: KubernetesError.self) {
            _ = try await client.get(ConfigMap.self, name: "f", namespace: "default")
        }
    }

    @Test func ownerDeletionCascadesToDependents() async throws {
        let (server, client) = try await makeFakeCluster()
        defer { Task { await server.shutdown() } }
        let owner = try await client.create(configMap("owner"))
        var dependent = configMap("dependent")
        dependent.metadata.ownerReferences = [OwnerReference(apiVersion: "v1", kind: "ConfigMap", name: "owner", uid: owner.metadata.uid!, controller: true)]
        _ = try await client.create(dependent)
        try await client.delete(ConfigMap.self, name: "owner", namespace: "default", options: .background)
        var gone = false
        for _ in 0..<100 where !gone {
            do {
                _ = try await client.get(ConfigMap.self, name: "dependent", namespace: "default")
                try await Task.sleep(for: .milliseconds(20))
            } catch let error as KubernetesError where error.isNotFound {
                gone = true
            }
        }
        #expect(gone)
    }

    @Test func idempotentReadsAreRetriedOn503And429WithRetryAfter() async throws {
        let (server, client) = try await makeFakeCluster()
        defer { Task { await server.shutdown() } }
        _ = try await client.create(configMap("r"))
        server.clearRequests()
        server.injectFailures(count: 1, status: 503, retryAfterSeconds: nil) { $0.method == "GET" }
        server.injectFailures(count: 1, status: 429, retryAfterSeconds: 1) { $0.method == "GET" }
        let read = try await client.get(ConfigMap.self, name: "r", namespace: "default")
        #expect(read.name == "r")
        #expect(server.requests.filter { $0.method == "GET" }.count == 3)
    }

    @Test func createIsNotRetriedOn500() async throws {
        let (server, client) = try await makeFakeCluster()
        defer { Task { await server.shutdown() } }
        server.injectFailures(count: 1, status: 500, retryAfterSeconds: nil) { $0.method == "POST" }
        do {
            _ = try await client.create(configMap("once"))
            Issue.record("expected the 500 to surface")
        } catch let error as KubernetesError {
            #expect(error.code == 500)
        }
        #expect(server.requests.filter { $0.method == "POST" }.count == 1)
    }

    @Test func unauthorizedRefreshesCredentialsOnce() async throws {
        let source = CountingCredentials()
        let (server, client) = try await makeFakeCluster(credentials: source)
        defer { Task { await server.shutdown() } }
        server.injectFailures(count: 1, status: 401, retryAfterSeconds: nil) { _ in true }
        _ = try await client.list(ConfigMap.self, namespace: "default")
        #expect(await source.invalidations == 1)
        #expect(server.requests.last?.headers["authorization"] == "Bearer token-2")
    }

    @Test func unreachableServerNamesTheURL() async throws {
        let client = KubernetesClient(configuration: ClientConfiguration(server: "http://127.0.0.1:1"), retryPolicy: .none)
        do {
            _ = try await client.get(ConfigMap.self, name: "x", namespace: "default")
            Issue.record("expected a transport error")
        } catch {
            #expect(String(describing: error).contains("http://127.0.0.1:1/api/v1/namespaces/default/configmaps/x"))
        }
    }

    @Test func dynamicAccessToACustomResource() async throws {
        let (server, client) = try await makeFakeCluster()
        defer { Task { await server.shutdown() } }
        let widgets = ResourceType(group: "example.com", version: "v1", plural: "widgets", kind: "Widget", namespaced: true)
        server.register(widgets, statusSubresource: true)
        let object = DynamicObject(json: ["apiVersion": "example.com/v1", "kind": "Widget",
                                          "metadata": ["name": "w", "namespace": "default"], "spec": ["size": 3]])
        let created = try await client.create(widgets, object)
        #expect(created.json[path: ["spec", "size"]]?.intValue == 3)
        let applied = try await client.apply(widgets, DynamicObject(json: ["apiVersion": "example.com/v1", "kind": "Widget",
                                                                           "metadata": ["name": "w", "namespace": "default"],
                                                                           "spec": ["size": 4]]), fieldManager: "test", force: true)
        #expect(applied.json[path: ["spec", "size"]]?.intValue == 4)
        #expect(applied.metadata.generation == 2)
    }
}

/// Credentials that hand out a new token after each invalidation.
actor CountingCredentials: CredentialSource {
    var invalidations = 0
    func credentials() async throws -> Credentials { Credentials(token: "token-\(invalidations + 1)") }
    func invalidate() async { invalidations += 1 }
}
