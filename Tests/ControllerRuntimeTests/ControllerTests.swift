import ControllerRuntime
import KubeClient
import KubeTesting
import Testing
import TestPolling

@Suite(.timeLimit(.minutes(1))) struct ControllerTests {
    static let noResync = ControllerConfiguration(workers: 2, resyncPeriod: nil)

    func widgetReflector(_ cluster: TestCluster) -> Reflector<DynamicObject> {
        Reflector(client: cluster.client, resource: .dynamic(TestCluster.widgets),
                  configuration: ReflectorConfiguration(minimumWatchDuration: .zero))
    }

    func recordingController(_ recorder: ReconcileRecorder, configuration: ControllerConfiguration = noResync,
                             _ body: @escaping @Sendable (ObjectKey) async throws -> ReconcileResult = { _ in .done }) -> Controller {
        Controller(name: "test", reconciler: ReconcileFunction { key in
            recorder.begin(key)
            defer { recorder.end(key) }
            return try await body(key)
        }, configuration: configuration)
    }

    @Test func aBurstOfChangesToOneObjectIsReconciledOnce() async throws {
        try await TestCluster.with { cluster in
            try cluster.seedWidget("w")
            let widgets = widgetReflector(cluster)
            let recorder = ReconcileRecorder()
            let controller = recordingController(recorder)
            controller.watch(widgets)
            let reflecting = Task { await widgets.run() }
            defer { reflecting.cancel() }
            await widgets.waitForSync()
            for size in 2...6 {
                try cluster.server.modify(TestCluster.widgets, namespace: "default", name: "w") { $0["spec"] = ["size": .number(Double(size))] }
            }
            await eventually("the last change cached") { widgets.store.get(namespace: "default", name: "w")?.json["spec"]?["size"]?.intValue == 6 }
            #expect(controller.queue.count == 1)

            let running = Task { await controller.run() }
            let key = ObjectKey(namespace: "default", name: "w")
            await eventually("the reconcile") { recorder.count(key) == 1 }
            try await Task.sleep(for: .milliseconds(200))
            #expect(recorder.count(key) == 1)
            controller.shutDown()
            await running.value
        }
    }

    @Test func statusOnlyChangesAreFilteredAndSpecChangesAreNot() async throws {
        try await TestCluster.with { cluster in
            try cluster.seedWidget("w")
            let widgets = widgetReflector(cluster)
            let recorder = ReconcileRecorder()
            let controller = recordingController(recorder)
            controller.watch(widgets)
            let reflecting = Task { await widgets.run() }
            let running = Task { await controller.run() }
            defer { reflecting.cancel(); running.cancel() }
            let key = ObjectKey(namespace: "default", name: "w")
            await eventually("the initial reconcile") { recorder.count(key) == 1 }

            let statusWrite = try cluster.server.modify(TestCluster.widgets, namespace: "default", name: "w") { $0["status"] = ["ready": true] }
            let statusVersion = statusWrite["metadata"]?["resourceVersion"]?.stringValue
            await eventually("the status change cached") { widgets.store.get(namespace: "default", name: "w")?.resourceVersion == statusVersion }
            try await Task.sleep(for: .milliseconds(100))
            #expect(recorder.count(key) == 1)

            try cluster.server.modify(TestCluster.widgets, namespace: "default", name: "w") { $0["spec"] = ["size": 9] }
            await eventually("the spec change reconciled") { recorder.count(key) == 2 }
        }
    }

    @Test func childEventsReconcileTheirControllingOwner() async throws {
        try await TestCluster.with { cluster in
            let widget = try cluster.seedWidget("owner")
            let owner = OwnerReference(apiVersion: "test.io/v1", kind: "Widget", name: "owner",
                                       uid: widget["metadata"]?["uid"]?.stringValue ?? "", controller: true)
            try cluster.seedConfigMap("child", data: ["v": "1"], owner: owner)
            try cluster.seedConfigMap("orphan", data: ["v": "1"])
            let widgets = widgetReflector(cluster)
            let maps = Reflector(client: cluster.client, resource: WatchedResource(ConfigMap.self))
            let recorder = ReconcileRecorder()
            let controller = recordingController(recorder)
            controller.watch(widgets)
            controller.owns(maps, owner: TestCluster.widgets)
            let tasks = [Task { await widgets.run() }, Task { await maps.run() }]
            defer { tasks.forEach { $0.cancel() } }
            await widgets.waitForSync()
            await maps.waitForSync()
            let running = Task { await controller.run() }
            defer { running.cancel() }
            let key = ObjectKey(namespace: "default", name: "owner")
            await eventually("the initial reconcile") { recorder.count(key) == 1 }

            // Someone edits, then deletes the child: each brings the owner back to reconcile.
            try cluster.server.modify(TestCluster.configMaps, namespace: "default", name: "child") { $0["data"] = ["v": "edited"] }
            await eventually("the edit mapped to the owner") { recorder.count(key) == 2 }
            try cluster.server.remove(TestCluster.configMaps, namespace: "default", name: "child")
            await eventually("the deletion mapped to the owner") { recorder.count(key) == 3 }
            try cluster.server.modify(TestCluster.configMaps, namespace: "default", name: "orphan") { $0["data"] = ["v": "2"] }
            try await Task.sleep(for: .milliseconds(100))
            #expect(recorder.total == 3)
        }
    }

    @Test func failuresAreRetriedWithBackoffAndSuccessResetsIt() async throws {
        let recorder = ReconcileRecorder()
        let key = ObjectKey(namespace: "ns", name: "flaky")
        struct Flaky: Error {}
        let controller = recordingController(recorder) { _ in
            if recorder.count(key) < 4 { throw Flaky() }
            return .done
        }
        let running = Task { await controller.run() }
        defer { running.cancel() }
        controller.queue.add(key)
        await eventually("three retries then success") { recorder.count(key) == 4 }
        await eventually("the backoff forgotten") { controller.queue.numRequeues(key) == 0 }
    }

    @Test func requeueAfterComesBackAfterTheDelay() async throws {
        let recorder = ReconcileRecorder()
        let key = ObjectKey(namespace: nil, name: "periodic")
        let controller = recordingController(recorder) { _ in recorder.count(key) < 3 ? .requeueAfter(.milliseconds(50)) : .done }
        let running = Task { await controller.run() }
        defer { running.cancel() }
        controller.queue.add(key)
        await eventually("two requeues") { recorder.count(key) == 3 }
    }

    @Test func oneKeyIsNeverReconciledByTwoWorkersAtOnce() async throws {
        let recorder = ReconcileRecorder()
        let controller = recordingController(recorder, configuration: ControllerConfiguration(workers: 4, resyncPeriod: nil)) { _ in
            try await Task.sleep(for: .milliseconds(5))
            return .done
        }
        let running = Task { await controller.run() }
        let keys = (0..<3).map { ObjectKey(namespace: "ns", name: "k\($0)") }
        for _ in 0..<50 {
            for key in keys { controller.queue.add(key) }
            try await Task.sleep(for: .milliseconds(2))
        }
        await eventually("the queue drained") { controller.queue.count == 0 && controller.queue.processingCount == 0 }
        #expect(recorder.maxConcurrentPerKey == 1)
        #expect(recorder.total > 3)
        controller.shutDown()
        await running.value
    }

    @Test func resyncEnqueuesEveryPrimaryObjectPeriodically() async throws {
        try await TestCluster.with { cluster in
            try cluster.seedWidget("a")
            try cluster.seedWidget("b")
            let widgets = widgetReflector(cluster)
            let recorder = ReconcileRecorder()
            let controller = recordingController(recorder, configuration: ControllerConfiguration(resyncPeriod: .milliseconds(100)))
            controller.watch(widgets)
            let tasks = [Task { await widgets.run() }, Task { await controller.run() }]
            defer { tasks.forEach { $0.cancel() } }
            await eventually("two resyncs") { recorder.count(ObjectKey(namespace: "default", name: "a")) >= 3 }
            #expect(recorder.count(ObjectKey(namespace: "default", name: "b")) >= 2)
        }
    }
}
