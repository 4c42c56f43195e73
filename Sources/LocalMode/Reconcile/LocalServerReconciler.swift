import ControlPlaneHTTP
import ControllerRuntime
import DockerEngine
import Foundation
import KubeModel
import LocalStore
import Logging
import OperatorAPI
import PolicyDistribution
import PolicyEngine

/// Reconciles one local MCPServer (key `namespace/name`) against the Docker engine: level-
/// triggered and idempotent, like the operator's reconciler. Reads the server and the policies
/// from the store; handles deletion (removes containers, networks, volumes, then the object);
/// plans; creates what is missing, re-creates what drifted (spec-hash label or settings),
/// restarts what exited (with backoff while it keeps crashing), removes what is no longer
/// wanted; pushes the policy to every ready gateway; writes the status.
struct LocalServerReconciler: Reconciler {
    let store: LocalStateStore
    let docker: DockerClient
    let options: LocalControllerOptions
    let pusher: PolicyPusher
    let runtime: LocalRuntime
    let tokens: AdminTokens
    let probe: HTTPTransport
    let logger: Logger

    func reconcile(_ key: ObjectKey) async throws -> ReconcileResult {
        let namespace = key.namespace ?? "default"
        let name = key.name
        guard let stored = try store.get(.server, namespace: namespace, name: name) else {
            try await teardown(namespace: namespace, name: name)
            return .done
        }
        if stored.deletionRequested {
            try await teardown(namespace: namespace, name: name)
            try store.remove(.server, namespace: namespace, name: name)
            logger.info("deleted", metadata: ["mcpserver": "\(key)"])
            return .done
        }
        var server = try stored.server()
        server.metadata.namespace = namespace
        server.metadata.name = name
        server.metadata.generation = stored.generation
        if server.status?.observedGeneration != stored.generation {
            logger.info("reconciling generation \(stored.generation)", metadata: ["mcpserver": "\(key)"])
        }

        let token = try tokens.token(namespace: namespace, name: name)
        let plan: LocalPlan
        do {
            let images = try await imageFacts(for: server)
            let ports = try await clientPorts(for: server, namespace: namespace, name: name)
            plan = try LocalPlanner.plan(server: server, images: images, clientPorts: ports,
                                         adminToken: token, options: options.plan)
        } catch let failure as LocalPlanError {
            try await writeStatus(server, failure: failure, plan: nil, policy: nil)
            return .requeueAfter(options.resyncInterval)
        }

        let policies = try store.list(.policy, namespace: namespace).filter { !$0.deletionRequested }.compactMap { try? $0.policy() }
        let document: PolicyDocument
        switch LocalPolicyResolver.document(for: server, policies: policies) {
        case .failure(let failure):
            // The containers are left as they are (they keep the last good policy); the status
            // still observes them.
            try await writeStatus(server, failure: failure, plan: plan, policy: nil)
            return .requeueAfter(options.resyncInterval)
        case .success(let value):
            document = value
        }
        let release = PolicyRelease(document)

        var retryAfter: Duration?
        do {
            try await ensureNetworks(plan)
            try await ensureVolumes(plan, key: key.description, token: token, release: release)
            retryAfter = try await ensureContainers(plan, server: server)
            try await prune(plan)
        } catch let error as DockerError {
            let failure = LocalPlanError(reason: MCPServerReason.applyFailed, message: error.description)
            try await writeStatus(server, failure: failure, plan: plan, policy: release)
            throw error
        } catch let failure as LocalPlanError {
            try await writeStatus(server, failure: failure, plan: plan, policy: release)
            return .requeueAfter(options.resyncInterval)
        }
        let ready = try await writeStatus(server, failure: nil, plan: plan, policy: release, token: token)
        if !ready { retryAfter = min(retryAfter ?? options.progressInterval, options.progressInterval) }
        return .requeueAfter(min(retryAfter ?? options.resyncInterval, options.resyncInterval))
    }

    // MARK: Inputs

    /// What the engine knows of every image the server needs; `ImageNotFound` for the missing.
    private func imageFacts(for server: MCPServer) async throws -> [String: ImageFacts] {
        let names = Set([options.plan.gatewayImage, server.spec.image] + (server.spec.plugins ?? []).map(\.image))
        var facts: [String: ImageFacts] = [:]
        var missing: [String] = []
        for name in names.sorted() {
            do {
                let image = try await docker.inspectImage(name)
                facts[name] = ImageFacts(id: image.id, entrypoint: image.config?.entrypoint ?? [], cmd: image.config?.cmd ?? [])
            } catch let error as DockerError where error.isNotFound {
                missing.append(name)
            }
        }
        guard missing.isEmpty else { throw LocalPlanError.imagesMissing(missing) }
        return facts
    }

    /// The host port of each gateway replica: the one its container was published on, else
    /// `spec.gateway.port` (plus the replica index), else the previous endpoint's (replica 0),
    /// else a free one.
    private func clientPorts(for server: MCPServer, namespace: String, name: String) async throws -> [Int: Int] {
        let existing = try await docker.listContainers(all: true, filters: ownerFilters(namespace: namespace, name: name)
            .label(LocalLabels.component, LocalRole.gateway.rawValue))
        var ports: [Int: Int] = [:]
        for container in existing {
            guard let replica = container.labels?[LocalLabels.replica].flatMap(Int.init),
                  let port = container.labels?[LocalLabels.clientPort].flatMap(Int.init) else { continue }
            ports[replica] = port
        }
        let replicas = Self.desiredReplicas(server)
        let spec = server.spec.withDefaults()
        let previous = server.status?.endpoint.flatMap(URLComponents.init(string:))?.port
        for replica in 0..<max(0, replicas) where ports[replica] == nil {
            if let base = spec.gateway?.port {
                ports[replica] = base + replica
            } else if replica == 0, let previous {
                ports[replica] = previous
            } else if docker.endpoint.unixSocketPath != nil, let free = HostPorts.free() {
                ports[replica] = free
            }
        }
        return ports
    }

    /// The gateway replicas a server wants: `replicas`, else the autoscaler's minimum, else one.
    static func desiredReplicas(_ server: MCPServer) -> Int {
        let spec = server.spec.withDefaults()
        return spec.replicas ?? spec.autoscaling?.minReplicas ?? 1
    }

    func ownerFilters(namespace: String, name: String) -> DockerFilters {
        var labels = options.plan.extraLabels
        labels[LocalLabels.managedBy] = LocalLabels.managerName
        labels[LocalLabels.instance] = options.plan.instance
        labels[LocalLabels.namespace] = namespace
        labels[LocalLabels.server] = name
        return .labels(labels)
    }

    // MARK: Networks and volumes

    private func ensureNetworks(_ plan: LocalPlan) async throws {
        let existing = try await docker.listNetworks(filters: .labels(plan.ownerLabels))
        for network in plan.networks {
            if let found = existing.first(where: { $0.name == network.name }) {
                guard found.internal != network.internal else { continue }
                // Drift: an internal network that is not (or the reverse) cannot be changed in
                // place; its containers are removed with it and re-created below.
                logger.warning("network \(network.name) has Internal=\(found.internal), wants \(network.internal); re-creating it")
                let details = try await docker.inspectNetwork(found.id)
                for id in (details.containers ?? [:]).keys { try? await docker.removeContainer(id, force: true) }
                try await docker.removeNetwork(found.id)
            }
            do {
                try await docker.createNetwork(network.request)
            } catch let error as DockerError where error.isConflict {
                // Made meanwhile, or another instance's network of the same name.
                let other = try await docker.inspectNetwork(network.name)
                if let owner = plan.foreignOwner(other.labels) { throw LocalPlanError.nameInUse("network", network.name, owner: owner) }
            }
        }
    }

    private func ensureVolumes(_ plan: LocalPlan, key: String, token: String, release: PolicyRelease) async throws {
        let existing = Set(try await docker.listVolumes(filters: .labels(plan.ownerLabels)).map(\.name))
        // A missing volume is created by the helper's mount, unless the name is taken by a
        // volume of another owner, which would be used (and overwritten) instead.
        for volume in plan.volumes where !existing.contains(volume.name) {
            do {
                let other = try await docker.inspectVolume(volume.name)
                if let owner = plan.foreignOwner(other.labels) { throw LocalPlanError.nameInUse("volume", volume.name, owner: owner) }
            } catch let error as DockerError where error.isNotFound {
                continue
            }
        }
        let gatewayVolume = plan.gatewayVolume
        if !existing.contains(gatewayVolume.name) {
            // A container of the gateway image with the (new, empty) volume mounted where the
            // image has its binary fills the volume with it at create; it never runs.
            try await withHelper(plan, image: options.plan.gatewayImage, volume: gatewayVolume,
                                 at: LocalPlanner.gatewayDirectory, readOnly: true) { _ in }
        }
        let wanted = release.version
        if existing.contains(plan.configVolume.name), runtime.configWritten(key) == wanted { return }
        let archive = try TarArchive([
            .directory("policy", mode: 0o755),
            .file(LocalPlanner.policyPath, release.canonicalDocument, mode: 0o444),
        ]).data()
        try await withHelper(plan, image: options.plan.gatewayImage, volume: plan.configVolume, at: "/config", readOnly: false) { id in
            try await docker.putArchive(id, path: "/config", archive: archive)
        }
        runtime.setConfigWritten(key, wanted)
    }

    /// Runs `body` with a created (never started) container that mounts `volume` (creating it
    /// with its labels when missing), then removes the container.
    private func withHelper(_ plan: LocalPlan, image: String, volume: DesiredVolume, at path: String, readOnly: Bool,
                            _ body: (String) async throws -> Void) async throws {
        let name = "\(plan.naming.base)-helper-\(UInt32.random(in: 0...UInt32.max))"
        var labels = plan.ownerLabels
        labels[LocalLabels.component] = LocalRole.helper.rawValue
        let config = ContainerConfig(image: image, cmd: ["--help"], labels: labels)
        let host = HostConfig(networkMode: "none", mounts: [.volume(volume.name, at: path, readOnly: readOnly, labels: volume.labels)])
        let created = try await docker.createContainer(name: name, config: config, hostConfig: host)
        do {
            try await body(created.id)
        } catch {
            try? await docker.removeContainer(created.id, force: true)
            throw error
        }
        try await docker.removeContainer(created.id, force: true)
    }

    // MARK: Containers

    /// Creates, restarts and re-creates containers; returns when to look again for a restart
    /// that is waiting for its backoff.
    private func ensureContainers(_ plan: LocalPlan, server: MCPServer) async throws -> Duration? {
        let existing = try await docker.listContainers(all: true, filters: .labels(plan.ownerLabels))
        var byName: [String: ContainerSummary] = [:]
        for container in existing { if let name = container.name { byName[name] = container } }
        var retry: Duration?
        for desired in plan.containers {
            guard let summary = byName[desired.name] else {
                let known = runtime.withRestarts { $0.records[desired.name] != nil }
                try await create(desired, plan)
                runtime.withRestarts { known ? $0.restarted(desired.name, now: Date()) : $0.started(desired.name, now: Date()) }
                if known { event(server, "Warning", "Recreated", "\(describe(desired)) was removed; re-created it") }
                continue
            }
            let details = try await docker.inspectContainer(summary.id)
            if let drift = drift(details, desired) {
                logger.info("re-creating \(desired.name): \(drift)")
                try await docker.removeContainer(summary.id, force: true)
                try await create(desired, plan)
                runtime.withRestarts { $0.started(desired.name, now: Date()) }
                continue
            }
            if details.state.running {
                runtime.withRestarts { tracker in
                    if tracker.records[desired.name]?.lastStart == nil {
                        tracker.started(desired.name, now: details.state.startedDate ?? Date())
                    }
                }
                continue
            }
            // Not running: exited, never started, or dead.
            let now = Date()
            if let finished = details.state.finishedDate, details.state.startedDate != nil {
                let exit = RestartTracker.Exit(code: details.state.exitCode, oomKilled: details.state.oomKilled, at: finished)
                let new = runtime.withRestarts { $0.exited(desired.name, exit) }
                if new {
                    event(server, "Warning", exit.oomKilled ? "OOMKilled" : "Exited",
                          "\(describe(desired)) exited with code \(exit.code) (\(exit.reason))")
                }
            }
            let delay = runtime.withRestarts { $0.delay(desired.name, now: now) }
            if delay > .zero {
                retry = min(retry ?? delay, delay)
                continue
            }
            if details.state.dead == true || details.state.status == "removing" {
                try? await docker.removeContainer(summary.id, force: true)
                try await create(desired, plan)
            } else {
                try await docker.startContainer(summary.id)
            }
            runtime.withRestarts { $0.restarted(desired.name, now: Date()) }
        }
        let wanted = Set(plan.containers.map(\.name))
        for container in existing where !wanted.contains(container.name ?? "") {
            try? await docker.removeContainer(container.id, force: true)
        }
        return retry
    }

    private func create(_ desired: DesiredContainer, _ plan: LocalPlan) async throws {
        let primary = EndpointSettings(aliases: desired.networks[desired.primaryNetwork])
        let created: ContainerCreated
        do {
            created = try await docker.createContainer(name: desired.name, config: desired.config, hostConfig: desired.hostConfig,
                                                       networkingConfig: NetworkingConfig(endpointsConfig: [desired.primaryNetwork: primary]))
        } catch let error as DockerError where error.isConflict {
            // A container of that name is left over (being removed, or made by a previous run);
            // one of another owner is left alone.
            if let other = try? await docker.inspectContainer(desired.name), let owner = plan.foreignOwner(other.config.labels) {
                throw LocalPlanError.nameInUse("container", desired.name, owner: owner)
            }
            try? await docker.removeContainer(desired.name, force: true)
            created = try await docker.createContainer(name: desired.name, config: desired.config, hostConfig: desired.hostConfig,
                                                       networkingConfig: NetworkingConfig(endpointsConfig: [desired.primaryNetwork: primary]))
        }
        for (network, aliases) in desired.networks.sorted(by: { $0.key < $1.key }) where network != desired.primaryNetwork {
            try await docker.connectNetwork(network, container: created.id, aliases: aliases.isEmpty ? nil : aliases)
        }
        try await docker.startContainer(created.id)
    }

    /// Why an existing container does not match its desired configuration, or nil.
    func drift(_ details: ContainerDetails, _ desired: DesiredContainer) -> String? {
        if details.config.labels?[LocalLabels.specHash] != desired.specHash {
            return "its spec hash label is \(details.config.labels?[LocalLabels.specHash] ?? "missing"), wants \(desired.specHash)"
        }
        let have = details.hostConfig
        let want = desired.hostConfig
        if have.readonlyRootfs != want.readonlyRootfs { return "ReadonlyRootfs changed" }
        if Set(have.capDrop ?? []) != Set(want.capDrop ?? []) { return "CapDrop changed" }
        if Set(have.securityOpt ?? []) != Set(want.securityOpt ?? []) { return "SecurityOpt changed" }
        if (have.memory ?? 0) != (want.memory ?? 0) { return "the memory limit changed" }
        if (have.nanoCpus ?? 0) != (want.nanoCpus ?? 0) { return "the CPU limit changed" }
        if (have.pidsLimit ?? 0) != (want.pidsLimit ?? 0) { return "the pids limit changed" }
        if have.privileged == true { return "it is privileged" }
        let attached = Set((details.networkSettings.networks ?? [:]).keys)
        if attached != Set(desired.networks.keys) {
            return "it is attached to \(attached.sorted()), wants \(desired.networks.keys.sorted())"
        }
        return nil
    }

    /// Removes the server's networks and volumes the plan no longer has (an old gateway volume).
    private func prune(_ plan: LocalPlan) async throws {
        let networks = Set(plan.networks.map(\.name))
        for network in try await docker.listNetworks(filters: .labels(plan.ownerLabels)) where !networks.contains(network.name) {
            try? await docker.removeNetwork(network.id)
        }
        let volumes = Set(plan.volumes.map(\.name))
        for volume in try await docker.listVolumes(filters: .labels(plan.ownerLabels)) where !volumes.contains(volume.name) {
            try? await docker.removeVolume(volume.name)
        }
    }

    // MARK: Deletion

    /// Removes every container, network and volume of the server, and what is remembered of it.
    func teardown(namespace: String, name: String) async throws {
        let filters = ownerFilters(namespace: namespace, name: name)
        let containers = try await docker.listContainers(all: true, filters: filters)
        for container in containers {
            do {
                try await docker.removeContainer(container.id, force: true, volumes: true)
            } catch let error as DockerError where error.isNotFound {
                continue
            }
        }
        for network in try await docker.listNetworks(filters: filters) {
            do {
                try await docker.removeNetwork(network.id)
            } catch let error as DockerError where error.isNotFound {
                continue
            }
        }
        for volume in try await docker.listVolumes(filters: filters) {
            do {
                try await docker.removeVolume(volume.name, force: true)
            } catch let error as DockerError where error.isNotFound {
                continue
            }
        }
        let key = "\(namespace)/\(name)"
        await pusher.remove(group: key)
        runtime.forget(server: key, containers: containers.compactMap(\.name))
        tokens.remove(namespace: namespace, name: name)
        try store.removePolicyAcks(namespace: namespace, server: name)
    }

    // MARK: Events

    func event(_ server: MCPServer, _ type: String, _ reason: String, _ message: String) {
        do {
            try store.recordEvent(.server, namespace: server.metadata.namespace ?? "default", name: server.metadata.name ?? "",
                                  type: type, reason: reason, message: message)
        } catch {
            logger.warning("could not record an event: \(error)")
        }
    }

    func describe(_ desired: DesiredContainer) -> String {
        switch desired.role {
        case .plugin: return "plugin \(desired.plugin ?? "") (container \(desired.name))"
        case .gateway: return "gateway replica \(desired.replica ?? 0) (container \(desired.name))"
        case .server: return "server replica \(desired.replica ?? 0) (container \(desired.name))"
        case .helper: return "helper container \(desired.name)"
        }
    }
}
