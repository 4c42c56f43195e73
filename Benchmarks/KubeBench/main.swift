// kube-bench: measures the Kubernetes client.
//
//   kube-bench                 run every measurement and print a Markdown table
//   kube-bench serve N         (internal) a fake API server holding N ConfigMaps of 1 KiB; prints its URL
//   kube-bench replay N        (internal) a server whose watch replays N pre-rendered events; prints its URL
//
// The servers run as child processes so the client's memory is measured alone.
import Foundation
import Hummingbird
import KubeClient
import KubeTesting
import TestSupport

func residentBytes() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
        let kilobytes = line.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        return kilobytes * 1024
    }
    return 0
}

/// Prints a child server's address unbuffered, so the parent reads it at once.
func announce(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

/// User plus system CPU time of this process so far, in seconds.
func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

func oneKiBConfigMap(_ index: Int) -> JSONValue {
    let filler = String(repeating: "x", count: 1024 - 64)
    return ["apiVersion": "v1", "kind": "ConfigMap",
            "metadata": ["name": .string(String(format: "bench-%05d", index)), "namespace": "bench",
                         "labels": ["app.kubernetes.io/name": "bench"]],
            "data": ["payload": .string(filler), "index": .string(String(index))]]
}

func serve(count: Int) async throws {
    let server = try await FakeAPIServer.start()
    server.registerBuiltins()
    server.setHistoryLimit(count + 10)
    for index in 0..<count { server.seed(ConfigMap.resourceType, oneKiBConfigMap(index)) }
    announce(server.baseURL)
    while true { try await Task.sleep(for: .seconds(3600)) }
}

func replay(count: Int) async throws {
    var body = Data()
    for index in 0..<count {
        var object = oneKiBConfigMap(index % 1000)
        object["metadata"]?["resourceVersion"] = .string(String(index + 1))
        let event: JSONValue = ["type": index % 3 == 0 ? "ADDED" : "MODIFIED", "object": object]
        body.append(try event.data())
        body.append(0x0A)
    }
    let payload = body
    let router = Router()
    router.get("/api/v1/namespaces/bench/configmaps") { _, _ -> Response in
        Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(data: payload)))
    }
    let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), onServerRunning: { channel in
        announce("http://127.0.0.1:\(channel.localAddress?.port ?? 0)")
    })
    try await app.runService()
}

func child(_ arguments: [String]) throws -> PeerProcess {
    try PeerProcess(executable: CommandLine.arguments[0], arguments: arguments, timeout: .seconds(120))
}

func measure() async throws {
    let objects = 10_000
    let watchEvents = 200_000
    let idle = residentBytes()

    let listServer = try child(["serve", String(objects)])
    defer { listServer.stop() }
    let client = KubernetesClient(configuration: ClientConfiguration(server: listServer.firstLine))

    // Warm the connection and the decoder.
    _ = try await client.list(ConfigMap.self, namespace: "bench", options: ListOptions(limit: 10))

    var start = ContinuousClock.now
    let listCPUStart = cpuSeconds()
    let single = try await client.list(ConfigMap.self, namespace: "bench")
    let singleDuration = ContinuousClock.now - start
    let listCPU = cpuSeconds() - listCPUStart
    precondition(single.items.count == objects, "expected \(objects) objects, got \(single.items.count)")

    let holding = residentBytes()
    let held = single.items

    start = ContinuousClock.now
    let paged = try await client.listAll(ConfigMap.self, namespace: "bench", pageSize: 500)
    let pagedDuration = ContinuousClock.now - start
    precondition(paged.items.count == objects)

    let replayServer = try child(["replay", String(watchEvents)])
    defer { replayServer.stop() }
    let watchClient = KubernetesClient(configuration: ClientConfiguration(server: replayServer.firstLine))
    var bestRate = 0.0
    var bestCPURate = 0.0
    for _ in 0..<3 {
        let cpuStart = cpuSeconds()
        start = ContinuousClock.now
        var count = 0
        for try await event in try await watchClient.watch(ConfigMap.self, namespace: "bench") {
            if case .bookmark = event { continue }
            count += 1
        }
        let seconds = (ContinuousClock.now - start).seconds
        precondition(count == watchEvents, "expected \(watchEvents) events, got \(count)")
        bestRate = max(bestRate, Double(count) / seconds)
        bestCPURate = max(bestCPURate, Double(count) / (cpuSeconds() - cpuStart))
    }

    func rate(_ count: Int, _ duration: Duration) -> String { String(format: "%.0f", Double(count) / duration.seconds) }
    print("| measurement | result |")
    print("|---|---|")
    print("| list 10,000 ConfigMaps of 1 KiB, one request: objects/s | \(rate(objects, singleDuration)) (\(String(format: "%.2f", singleDuration.seconds)) s) |")
    print("| list 10,000 ConfigMaps of 1 KiB, one request: objects per CPU-second of the client | \(String(format: "%.0f", Double(objects) / listCPU)) |")
    print("| list 10,000 ConfigMaps of 1 KiB, pages of 500: objects/s | \(rate(objects, pagedDuration)) (\(String(format: "%.2f", pagedDuration.seconds)) s) |")
    print("| watch events decoded per second, wall clock (1 KiB ConfigMaps, best of 3 × \(watchEvents)) | \(String(format: "%.0f", bestRate)) |")
    print("| watch events decoded per CPU-second of the client process (all its threads) | \(String(format: "%.0f", bestCPURate)) |")
    print("| RSS idle (MiB) | \(String(format: "%.1f", Double(idle) / 1_048_576)) |")
    print("| RSS above idle holding 10,000 decoded ConfigMaps (MiB) | \(String(format: "%.1f", Double(holding - idle) / 1_048_576)) |")
    withExtendedLifetime(held) {}
}

extension Duration {
    var seconds: Double {
        let (whole, fraction) = components
        return Double(whole) + Double(fraction) / 1e18
    }
}

let arguments = CommandLine.arguments.dropFirst()
switch arguments.first {
case "serve": try await serve(count: Int(arguments.dropFirst().first ?? "10000") ?? 10_000)
case "replay": try await replay(count: Int(arguments.dropFirst().first ?? "100000") ?? 100_000)
default: try await measure()
}
