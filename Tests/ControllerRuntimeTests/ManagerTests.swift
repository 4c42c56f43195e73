import ControllerRuntime
import KubeClient
import KubeTesting
import Logging
import ServiceLifecycle
import Testing
import TestPolling

@Suite(.timeLimit(.minutes(1))) struct ManagerTests {
    @Test func runsReflectorsAndControllersAndStopsOnRequest() async throws {
        try await TestCluster.with { cluster in
            try cluster.seedWidget("w")
            let manager = Manager(client: cluster.client, configuration: ManagerConfiguration(
                leaderElection: LeaderElectorTests.configuration("m")))
            let widgets = manager.reflector(for: .dynamic(TestCluster.widgets))
            let recorder = ReconcileRecorder()
            let controller = Controller(name: "widgets", reconciler: ReconcileFunction { key in
                recorder.begin(key)
                recorder.end(key)
                return .done
            }, configuration: ControllerConfiguration(resyncPeriod: nil))
            controller.watch(widgets)
            manager.add(controller)
            #expect(!manager.cachesSynced)

            let run = Task { try await manager.run() }
            await eventually("caches synced") { manager.cachesSynced }
            await eventually("the reconcile") { recorder.count(ObjectKey(namespace: "default", name: "w")) == 1 }
            #expect(manager.isLeader)

            manager.requestShutdown()
            try await run.value
            let lease = try await cluster.client.get(Lease.self, name: "operator-lock", namespace: "default")
            #expect(lease.spec?.holderIdentity == nil)  // released on the way out
        }
    }

    @Test func shutdownIsNotHeldUpByACacheThatCannotSync() async throws {
        try await TestCluster.with { cluster in
            // Every list is forbidden, as with missing RBAC: the cache never syncs.
            cluster.server.injectFailures(count: 100_000, status: 403) { $0.method == "GET" && !$0.isWatch && $0.path.contains("widgets") }
            for elected in [false, true] {
                let manager = Manager(client: cluster.client, configuration: ManagerConfiguration(
                    leaderElection: elected ? LeaderElectorTests.configuration("nosync") : nil))
                _ = manager.reflector(for: .dynamic(TestCluster.widgets))
                let run = Task { try await manager.run() }
                if elected { await eventually("leadership") { manager.isLeader } }
                try await Task.sleep(for: .milliseconds(200))
                #expect(!manager.cachesSynced)
                manager.requestShutdown()
                try await run.value  // returns instead of waiting for a sync that never comes
            }
        }
    }

    @Test func losingTheLeaseStopsTheManagerWithAnError() async throws {
        try await TestCluster.with { cluster in
            let flags = LeaderElectorTests.Flags()
            let manager = Manager(client: cluster.client, configuration: ManagerConfiguration(
                leaderElection: LeaderElectorTests.shortRenewalConfiguration("m")), onLeadershipChange: { flags.changed($0) })
            _ = manager.reflector(for: .dynamic(TestCluster.widgets))
            let run = Task { try await manager.run() }
            // The callback, not `isLeader`: a stall may end the short leadership before a poll sees it.
            await eventually("leadership") { flags.history.first == true }
            cluster.server.injectFailures(count: 10_000, status: 500) { $0.method == "PUT" && $0.path.contains("/leases/") }
            await #expect(throws: ManagerError.self) { try await run.value }
            #expect(!manager.isLeader)
            #expect(flags.history == [true, false])
        }
    }
}

@Suite(.timeLimit(.minutes(1))) struct ManagerServiceGroupTests {
    @Test func gracefulShutdownOfTheServiceGroupDrainsAndReleasesTheLease() async throws {
        try await TestCluster.with { cluster in
            try cluster.seedWidget("w")
            let manager = Manager(client: cluster.client, configuration: ManagerConfiguration(
                leaderElection: LeaderElectorTests.configuration("svc")))
            let widgets = manager.reflector(for: .dynamic(TestCluster.widgets))
            let recorder = ReconcileRecorder()
            let controller = Controller(name: "widgets", reconciler: ReconcileFunction { key in
                recorder.begin(key)
                defer { recorder.end(key) }
                try await Task.sleep(for: .milliseconds(200))  // in flight when shutdown begins
                return .done
            }, configuration: ControllerConfiguration(resyncPeriod: nil))
            controller.watch(widgets)
            manager.add(controller)
            let group = ServiceGroup(configuration: .init(services: [manager], logger: Logger(label: "test")))
            let run = Task { try await group.run() }
            let key = ObjectKey(namespace: "default", name: "w")
            await eventually("a reconcile in flight") { recorder.count(key) == 1 }
            await group.triggerGracefulShutdown()
            try await run.value
            #expect(recorder.maxConcurrentPerKey == 1)
            let lease = try await cluster.client.get(Lease.self, name: "operator-lock", namespace: "default")
            #expect(lease.spec?.holderIdentity == nil)
        }
    }
}
