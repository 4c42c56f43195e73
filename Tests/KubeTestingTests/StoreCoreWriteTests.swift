import Foundation
import KubeClient
import Testing
@testable import KubeTesting

@Suite struct StoreCoreWriteTests {
    let context = WriteContext(fieldManager: "test")

    @Test func createSetsServerMetadataAndBumpsTheGlobalResourceVersion() throws {
        var core = Fixture.core()
        let start = core.resourceVersion
        let first = try core.create(Fixture.configMaps, namespace: "default", body: Fixture.configMap("a"), context: context)
        let second = try core.create(Fixture.mcpServers, namespace: "default", body: Fixture.mcpServer("s"), context: context)
        #expect(first.metadataResourceVersion == String(start + 1))
        #expect(second.metadataResourceVersion == String(start + 2))
        #expect(first["metadata"]?["generation"] == 1)
        #expect(first.metadataUID.count == 36)
        #expect(first["metadata"]?["creationTimestamp"] == "2023-11-14T22:13:20Z")
        #expect(core.takeEventKinds() == ["ADDED", "ADDED"])
    }

    @Test func createOfAnExistingNameIsAlreadyExists() throws {
        var core = Fixture.core()
        _ = try core.create(Fixture.configMaps, namespace: "default", body: Fixture.configMap("a"), context: context)
        let error = apiError { _ = try core.create(Fixture.configMaps, namespace: "default", body: Fixture.configMap("a"), context: context) }
        #expect(error?.code == 409)
        #expect(error?.status.reason == "AlreadyExists")
        #expect(error?.status.message == "configmaps \"a\" already exists")
    }

    @Test func createChecksNamespaceNameAndResourceVersion() throws {
        var core = Fixture.core()
        let mismatch = apiError { _ = try core.create(Fixture.configMaps, namespace: "other", body: Fixture.configMap("a"), context: context) }
        #expect(mismatch?.code == 400)

        var nameless = Fixture.configMap("x")
        nameless.setMetadata("name", nil)
        let missing = apiError { _ = try core.create(Fixture.configMaps, namespace: "default", body: nameless, context: context) }
        #expect(missing?.code == 422)
        #expect(missing?.status.reason == "Invalid")
        #expect(missing?.status.details?.causes?.first?.field == "metadata.name")
        #expect(missing?.status.message == "ConfigMap \"\" is invalid: metadata.name: Required value: name or generateName is required")

        nameless.setMetadata("generateName", "web-")
        let generated = try core.create(Fixture.configMaps, namespace: "default", body: nameless, context: context)
        #expect(generated.metadataName.hasPrefix("web-"))
        #expect(generated.metadataName.count == 9)

        let invalid = apiError { _ = try core.create(Fixture.configMaps, namespace: "default", body: Fixture.configMap("Bad_Name"), context: context) }
        #expect(invalid?.code == 422)

        var versioned = Fixture.configMap("v")
        versioned.setMetadata("resourceVersion", "5")
        #expect(apiError { _ = try core.create(Fixture.configMaps, namespace: "default", body: versioned, context: context) }?.code == 500)
    }

    @Test func getOfAMissingObjectIsNotFoundWithDetails() {
        let core = Fixture.core()
        let error = apiError { _ = try core.existing(core.registration(Fixture.deployments), namespace: "default", name: "x") }
        #expect(error?.code == 404)
        #expect(error?.status.message == "deployments.apps \"x\" not found")
        #expect(error?.status.details == .init(name: "x", group: "apps", kind: "deployments"))
    }

    @Test func updateWithAStaleResourceVersionIsAConflict() throws {
        var core = Fixture.core()
        var object = try core.create(Fixture.configMaps, namespace: "default", body: Fixture.configMap("x"), context: context)
        object["data"] = ["k": "v"]
        let updated = try core.update(Fixture.configMaps, namespace: "default", name: "x", body: object, status: false, context: context)
        #expect(updated["data"]?["k"] == "v")
        let error = apiError { _ = try core.update(Fixture.configMaps, namespace: "default", name: "x", body: object, status: false, context: context) }
        #expect(error?.code == 409)
        #expect(error?.status.reason == "Conflict")
        #expect(error?.status.message == "Operation cannot be fulfilled on configmaps \"x\": the object has been modified; please apply your changes to the latest version and try again")
    }

    @Test func customResourcesNeedAResourceVersionOnUpdateBuiltinsDoNot() throws {
        var core = Fixture.core()
        var server = try core.create(Fixture.mcpServers, namespace: "default", body: Fixture.mcpServer("s"), context: context)
        server.setMetadata("resourceVersion", nil)
        let error = apiError { _ = try core.update(Fixture.mcpServers, namespace: "default", name: "s", body: server, status: false, context: context) }
        #expect(error?.code == 422)
        #expect(error?.status.details?.causes?.first?.field == "metadata.resourceVersion")

        _ = try core.create(Fixture.configMaps, namespace: "default", body: Fixture.configMap("c"), context: context)
        let unconditional = try core.update(Fixture.configMaps, namespace: "default", name: "c",
                                            body: Fixture.configMap("c", data: ["a": "b"]), status: false, context: context)
        #expect(unconditional["data"]?["a"] == "b")
        let missing = apiError { _ = try core.update(Fixture.configMaps, namespace: "default", name: "nope", body: Fixture.configMap("nope"), status: false, context: context) }
        #expect(missing?.code == 404)
    }

    @Test func generationFollowsSpecOnlyWhenStatusHasItsOwnSubresource() throws {
        var core = Fixture.core()
        var server = try core.create(Fixture.mcpServers, namespace: "default", body: Fixture.mcpServer("s"), context: context)
        #expect(server["metadata"]?["generation"] == 1)

        // Labels are metadata: no generation bump, but a new resource version.
        server.setMetadata("labels", ["a": "b"])
        let relabelled = try core.update(Fixture.mcpServers, namespace: "default", name: "s", body: server, status: false, context: context)
        #expect(relabelled["metadata"]?["generation"] == 1)
        #expect(relabelled.metadataResourceVersion != server.metadataResourceVersion)

        // Status through the main resource is ignored.
        var withStatus = relabelled
        withStatus["status"] = ["replicas": 3]
        let ignored = try core.update(Fixture.mcpServers, namespace: "default", name: "s", body: withStatus, status: false, context: context)
        #expect(ignored["status"] == nil)
        #expect(ignored.metadataResourceVersion == relabelled.metadataResourceVersion)

        // Status through /status changes only status and never the generation.
        var statusWrite = relabelled
        statusWrite["status"] = ["replicas": 3]
        statusWrite["spec"]?["image"] = "ignored"
        let statused = try core.update(Fixture.mcpServers, namespace: "default", name: "s", body: statusWrite, status: true, context: context)
        #expect(statused["status"]?["replicas"] == 3)
        #expect(statused["spec"]?["image"] == "mcp:1")
        #expect(statused["metadata"]?["generation"] == 1)

        // A spec change bumps the generation and keeps the status.
        var specWrite = statused
        specWrite["spec"]?["replicas"] = 4
        let respecced = try core.update(Fixture.mcpServers, namespace: "default", name: "s", body: specWrite, status: false, context: context)
        #expect(respecced["metadata"]?["generation"] == 2)
        #expect(respecced["status"]?["replicas"] == 3)

        // Without a status subresource any non-metadata change bumps it.
        let map = try core.create(Fixture.configMaps, namespace: "default", body: Fixture.configMap("c"), context: context)
        var changed = map
        changed["data"] = ["x": "y"]
        let bumped = try core.update(Fixture.configMaps, namespace: "default", name: "c", body: changed, status: false, context: context)
        #expect(bumped["metadata"]?["generation"] == 2)
    }

    @Test func anUpdateThatChangesNothingIsANoOp() throws {
        var core = Fixture.core()
        let created = try core.create(Fixture.configMaps, namespace: "default", body: Fixture.configMap("c", data: ["a": "1"]), context: context)
        _ = core.takeUnpublished()
        let version = core.resourceVersion
        let same = try core.update(Fixture.configMaps, namespace: "default", name: "c", body: created, status: false, context: context)
        #expect(same == created)
        #expect(core.resourceVersion == version)
        #expect(core.takeEventKinds().isEmpty)
    }

    @Test func mergePatchSetsAndRemovesFieldsAndHonoursAResourceVersion() throws {
        var core = Fixture.core()
        let created = try core.create(Fixture.configMaps, namespace: "default",
                                      body: Fixture.configMap("c", data: ["a": "1", "b": "2"]), context: context)
        let patch = Fixture.json(["data": ["a": nil, "c": "3"]])
        let (patched, created2) = try core.patch(Fixture.configMaps, namespace: "default", name: "c", patchType: .merge,
                                                 body: patch, status: false, context: context)
        #expect(!created2)
        #expect(patched["data"] == ["b": "2", "c": "3"])

        let stale = Fixture.json(["metadata": ["resourceVersion": .string(created.metadataResourceVersion)], "data": ["d": "4"]])
        let error = apiError { _ = try core.patch(Fixture.configMaps, namespace: "default", name: "c", patchType: .merge, body: stale, status: false, context: context) }
        #expect(error?.code == 409)

        let strategic = try core.patch(Fixture.configMaps, namespace: "default", name: "c", patchType: .strategicMerge,
                                       body: Fixture.json(["data": ["e": "5"]]), status: false, context: context)
        #expect(strategic.object["data"]?["e"] == "5")
        _ = try core.create(Fixture.mcpServers, namespace: "default", body: Fixture.mcpServer("s"), context: context)
        let unsupported = apiError { _ = try core.patch(Fixture.mcpServers, namespace: "default", name: "s", patchType: .strategicMerge, body: Fixture.json(["spec": [:]]), status: false, context: context) }
        #expect(unsupported?.code == 415)
    }

    @Test func jsonPatchAppliesEveryOperationAndAFailedTestIsUnprocessable() throws {
        var core = Fixture.core()
        _ = try core.create(Fixture.mcpServers, namespace: "default", body: Fixture.mcpServer("s"), context: context)
        let patch: JSONValue = [
            ["op": "test", "path": "/spec/replicas", "value": 1],
            ["op": "replace", "path": "/spec/replicas", "value": 2],
            ["op": "add", "path": "/spec/args", "value": ["a", "c"]],
            ["op": "add", "path": "/spec/args/1", "value": "b"],
            ["op": "add", "path": "/spec/args/-", "value": "d"],
            ["op": "copy", "from": "/spec/image", "path": "/spec/original"],
            ["op": "move", "from": "/spec/original", "path": "/metadata/annotations"],
            ["op": "remove", "path": "/spec/image"],
        ]
        let (patched, _) = try core.patch(Fixture.mcpServers, namespace: "default", name: "s", patchType: .json,
                                          body: Fixture.json(patch), status: false, context: context)
        #expect(patched["spec"] == ["replicas": 2, "args": ["a", "b", "c", "d"]])
        #expect(patched["metadata"]?["annotations"] == "mcp:1")
        #expect(patched["metadata"]?["generation"] == 2)

        let failing: JSONValue = [["op": "test", "path": "/spec/replicas", "value": 9], ["op": "remove", "path": "/spec"]]
        let error = apiError { _ = try core.patch(Fixture.mcpServers, namespace: "default", name: "s", patchType: .json, body: Fixture.json(failing), status: false, context: context) }
        #expect(error?.code == 422)
        #expect(error?.status.details?.causes?.first?.message == "testing value /spec/replicas failed: test failed")
        let malformed = apiError { _ = try core.patch(Fixture.mcpServers, namespace: "default", name: "s", patchType: .json, body: Fixture.json(["op": "add"]), status: false, context: context) }
        #expect(malformed?.code == 400)
        let missingPath = apiError { _ = try core.patch(Fixture.mcpServers, namespace: "default", name: "s", patchType: .json, body: Fixture.json([["op": "remove", "path": "/spec/nope"]]), status: false, context: context) }
        #expect(missingPath?.code == 422)
    }

    @Test func scaleReadsAndWritesTheConfiguredPaths() throws {
        var core = Fixture.core()
        var deployment: JSONValue = [
            "apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": "web", "namespace": "default"],
            "spec": ["replicas": 2, "selector": ["matchLabels": ["app": "web", "tier": "a"]]],
        ]
        deployment = try core.create(Fixture.deployments, namespace: "default", body: deployment, context: context)
        let scale = try core.scale(Fixture.deployments, namespace: "default", name: "web")
        #expect(scale["kind"] == "Scale")
        #expect(scale["apiVersion"] == "autoscaling/v1")
        #expect(scale["spec"] == ["replicas": 2])
        #expect(scale["status"] == ["replicas": 0, "selector": "app=web,tier=a"])
        #expect(scale["metadata"]?["resourceVersion"] == deployment["metadata"]?["resourceVersion"])

        let written = try core.updateScale(Fixture.deployments, namespace: "default", name: "web",
                                           body: ["spec": ["replicas": 5], "metadata": ["resourceVersion": .string(deployment.metadataResourceVersion)]],
                                           context: WriteContext(fieldManager: "hpa"))
        #expect(written["spec"] == ["replicas": 5])
        let stored = try core.existing(core.registration(Fixture.deployments), namespace: "default", name: "web")
        #expect(stored["spec"]?["replicas"] == 5)
        #expect(stored["metadata"]?["generation"] == 2)
        #expect(FieldManagerEntry.entries(of: stored).contains { $0.manager == "hpa" && $0.subresource == "scale" })

        let stale = apiError { _ = try core.updateScale(Fixture.deployments, namespace: "default", name: "web", body: ["spec": ["replicas": 1], "metadata": ["resourceVersion": .string(deployment.metadataResourceVersion)]], context: context) }
        #expect(stale?.code == 409)
        let patched = try core.patchScale(Fixture.deployments, namespace: "default", name: "web", patchType: .merge,
                                          body: Fixture.json(["spec": ["replicas": 0]]), context: context)
        #expect(patched["spec"] == [:])
    }

    @Test func labelAndFieldSelectorsParseAndMatchLikeTheRealServer() throws {
        let labels = ["app": "web", "tier": "front", "n": "5"]
        func matches(_ text: String) throws -> Bool { try LabelSelector(parsing: text).matches(labels) }
        #expect(try matches("app=web"))
        #expect(try matches("app==web,tier!=back"))
        #expect(try matches("app in (web, api),tier notin (back)"))
        #expect(try matches("app,!missing"))
        #expect(try !matches("!app"))
        #expect(try matches("missing!=x"))
        #expect(try matches("n>3,n<6"))
        #expect(try !matches("app in (api)"))
        #expect(apiError { _ = try LabelSelector(parsing: "app in web") }?.code == 400)

        let object = Fixture.configMap("c", namespace: "ns")
        #expect(try FieldSelector(parsing: "metadata.name=c,metadata.namespace!=other", supportedFields: []).matches(object))
        #expect(apiError { _ = try FieldSelector(parsing: "spec.x=1", supportedFields: []) }?.status.message == "field label not supported: spec.x")
    }

    @Test func dryRunAnswersLikeTheWriteAndStoresNothing() throws {
        let store = FakeStore()
        _ = try store.write { core throws(FakeAPIError) in for registration in BuiltinTypes.registrations { core.register(registration) } }
        let version = store.inspect(\.resourceVersion)
        let created = try store.write(dryRun: true) { core throws(FakeAPIError) in
            try core.create(Fixture.configMaps, namespace: "default", body: Fixture.configMap("c"), context: WriteContext())
        }
        #expect(created.metadataName == "c")
        #expect(store.inspect(\.resourceVersion) == version)
        #expect(store.inspect { $0.objects[RegisteredType.key(group: "", version: "v1", plural: "configmaps")]?.isEmpty } == true)
    }
}
