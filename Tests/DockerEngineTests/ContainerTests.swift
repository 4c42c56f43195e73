import DockerEngine
import Foundation
import Testing

/// The isolation a plugin container gets in local mode.
let pluginIsolation = HostConfig(
    networkMode: "none", tmpfs: ["/tmp": "rw,noexec,nosuid,size=16m,mode=1777"], readonlyRootfs: true, capDrop: ["ALL"],
    securityOpt: ["no-new-privileges"], pidsLimit: 64, memory: 64 << 20, memorySwap: 64 << 20, nanoCpus: 500_000_000,
    cpuShares: 512, restartPolicy: .no, init: true, extraHosts: ["gateway.test:127.0.0.1"])

extension EngineTests {
    @Test func isolatedContainerRunsWithEverySetting() async throws {
        try await withCleanup { cleanup in
            let client = TestEngine.client
            let script = """
                id -u; echo to-stderr >&2
                touch /rootfs-write 2>/dev/null && echo root-writable || echo root-readonly
                echo scratch > /tmp/t && cat /tmp/t
                grep -E '^(NoNewPrivs|CapEff|Seccomp):' /proc/self/status
                grep gateway.test /etc/hosts
                exit 3
                """
            let config = ContainerConfig(
                image: TestEngine.image, cmd: ["/bin/sh", "-c", script], env: ["PLUGIN=yes"],
                labels: TestEngine.labels(["role": "plugin"]), user: "65534", workingDir: "/tmp",
                exposedPorts: ["8080/tcp"],
                healthcheck: HealthConfig(test: ["CMD", "/bin/busybox", "true"], interval: .seconds(5), retries: 2))
            let created = try await client.createContainer(name: TestEngine.name("iso"), config: config, hostConfig: pluginIsolation)
            cleanup.container(created.id)

            let details = try await client.inspectContainer(created.id)
            let host = details.hostConfig
            #expect(details.config.user == "65534")
            #expect(details.config.environment["PLUGIN"] == "yes")
            #expect(details.config.labels?["role"] == "plugin")
            #expect(details.config.exposedPorts?.keys == ["8080/tcp"])
            #expect(details.config.healthcheck?.retries == 2)
            #expect(details.config.healthcheck?.interval == 5_000_000_000)
            #expect(host.readonlyRootfs == true)
            #expect(host.tmpfs?["/tmp"] == "rw,noexec,nosuid,size=16m,mode=1777")
            #expect(host.capDrop == ["ALL"])
            #expect(host.securityOpt == ["no-new-privileges"])
            #expect(host.pidsLimit == 64)
            #expect(host.memory == 64 << 20)
            #expect(host.memorySwap == 64 << 20)
            #expect(host.nanoCpus == 500_000_000)
            #expect(host.cpuShares == 512)
            #expect(host.restartPolicy?.name == "no")
            #expect(host.`init` == true)
            #expect(host.networkMode == "none")
            #expect(details.state.status == "created")

            try await client.startContainer(created.id)
            let result = try await client.waitContainer(created.id)
            #expect(result.statusCode == 3)

            let logs = try await client.logs(created.id)
            #expect(logs.stdout.contains("65534\n"))
            #expect(logs.stdout.contains("root-readonly"))
            #expect(logs.stdout.contains("scratch"))
            #expect(logs.stdout.contains("NoNewPrivs:\t1"))
            #expect(logs.stdout.contains("CapEff:\t0000000000000000"))
            #expect(logs.stdout.contains("Seccomp:\t2"))  // the default profile filters syscalls
            #expect(logs.stdout.contains("127.0.0.1\tgateway.test"))
            #expect(!logs.stdout.contains("to-stderr"))
            #expect(logs.stderr == "to-stderr\n")

            let stopped = try await client.inspectContainer(created.id)
            #expect(stopped.state.running == false)
            #expect(stopped.state.exitCode == 3)
            #expect(stopped.state.status == "exited")
            #expect(stopped.state.oomKilled == false)
            #expect(stopped.state.startedDate != nil)
            #expect(stopped.state.finishedDate != nil)

            // The engine counts the tail over both streams, and stderr may land after stdout.
            let tail = try await client.logs(created.id, options: LogOptions(stderr: false, tail: 3, timestamps: true))
            #expect((1...3).contains(tail.chunks.count))
            #expect(tail.chunks.allSatisfy { $0.stream == .stdout && $0.text.hasPrefix(String(Calendar.current.component(.year, from: Date()))) })
            #expect(tail.stdout.contains("gateway.test"))
            #expect(!tail.stdout.contains("root-readonly"))
        }
    }

    @Test func killedContainerIsNotRunningAndListedByLabel() async throws {
        try await withCleanup { cleanup in
            let client = TestEngine.client
            let marker = UUID().uuidString
            let id = try await makeContainer(cleanup, command: ["/bin/busybox", "sleep", "300"], labels: ["case": marker])
            try await client.startContainer(id)
            let filter = DockerFilters.label("mcp-operator.test.run", TestEngine.runID).label("case", marker)
            let running = try await client.listContainers(all: false, filters: filter)
            #expect(running.map(\.id) == [id])
            #expect(running.first?.state == "running")
            #expect(running.first?.labels?["case"] == marker)

            try await client.killContainer(id, signal: "SIGKILL")
            #expect(try await client.waitContainer(id, condition: .notRunning).statusCode == 137)
            let details = try await client.inspectContainer(id)
            #expect(details.state.running == false)
            #expect(details.state.exitCode == 137)
            #expect(try await client.listContainers(all: false, filters: filter).isEmpty)
            #expect(try await client.listContainers(all: true, filters: filter).map(\.id) == [id])
            // Killing a stopped container is the engine's conflict, with its message.
            let error = await #expect(throws: DockerError.self) { try await client.killContainer(id) }
            #expect(error?.isConflict == true)
            #expect(error?.message.contains("is not running") == true)

            try await client.removeContainer(id)
            let gone = await #expect(throws: DockerError.self) { _ = try await client.inspectContainer(id) }
            #expect(gone?.isNotFound == true)
        }
    }

    @Test func stopAndRestartAndRemoveRunningWithForce() async throws {
        try await withCleanup { cleanup in
            let client = TestEngine.client
            let id = try await makeContainer(cleanup, command: ["/bin/busybox", "sleep", "300"], hostConfig: HostConfig(init: true))
            try await client.startContainer(id)
            try await client.startContainer(id)  // already running: not an error
            try await client.stopContainer(id, timeout: .seconds(1))
            try await client.stopContainer(id, timeout: .seconds(1))  // already stopped: not an error
            #expect(try await client.inspectContainer(id).state.running == false)
            try await client.restartContainer(id, timeout: .seconds(1))
            #expect(try await client.inspectContainer(id).state.running == true)
            let busy = await #expect(throws: DockerError.self) { try await client.removeContainer(id) }
            #expect(busy?.isConflict == true)
            try await client.removeContainer(id, force: true)
        }
    }

    @Test func followedLogsArriveAsWrittenAndEndWithTheContainer() async throws {
        try await withCleanup { cleanup in
            let client = TestEngine.client
            let script = "for i in 1 2 3; do echo out-$i; echo err-$i >&2; busybox usleep 200000; done"
            let id = try await makeContainer(cleanup, command: ["/bin/sh", "-c", script])
            try await client.startContainer(id)
            let stream = try await client.followLogs(id)
            let chunks = try await withTimeout(.seconds(20), "following logs") {
                var chunks: [LogChunk] = []
                for try await chunk in stream { chunks.append(chunk) }
                return chunks
            }
            let out = chunks.filter { $0.stream == .stdout }.map(\.text).joined()
            let err = chunks.filter { $0.stream == .stderr }.map(\.text).joined()
            #expect(out == "out-1\nout-2\nout-3\n")
            #expect(err == "err-1\nerr-2\nerr-3\n")
        }
    }

    @Test func statsReportMemoryAndCPU() async throws {
        try await withCleanup { cleanup in
            let client = TestEngine.client
            let id = try await makeContainer(cleanup, command: ["/bin/busybox", "sleep", "300"],
                                             hostConfig: HostConfig(pidsLimit: 32, memory: 48 << 20))
            try await client.startContainer(id)
            let sample = try await client.stats(id)
            #expect(sample.memoryLimitBytes == 48 << 20)
            #expect((sample.memoryUsedBytes ?? 0) > 0)
            #expect(sample.cpuPercent >= 0)
            #expect(sample.pidsStats?.current == 1)
            let streamed = try await withTimeout(.seconds(20), "streaming stats") {
                var samples: [ContainerStats] = []
                for try await sample in try await client.streamStats(id) {
                    samples.append(sample)
                    if samples.count == 2 { break }
                }
                return samples
            }
            #expect(streamed.count == 2)
            #expect(streamed.allSatisfy { $0.memoryLimitBytes == 48 << 20 })
        }
    }

    @Test func execRunsInsideTheContainer() async throws {
        try await withCleanup { cleanup in
            let client = TestEngine.client
            let id = try await makeContainer(cleanup, command: ["/bin/busybox", "sleep", "300"], hostConfig: pluginIsolation)
            try await client.startContainer(id)
            let result = try await client.exec(id, command: ["/bin/sh", "-c", "id -u; echo oops >&2; exit 5"])
            #expect(result.exitCode == 5)
            #expect(result.stdout == "65534\n")
            #expect(result.stderr == "oops\n")
        }
    }
}
