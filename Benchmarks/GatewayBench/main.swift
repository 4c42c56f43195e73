// gateway-bench: `tools/call` through the gateway to a fast HTTP upstream, against the same
// upstream direct and behind Debian's nginx (`proxy_pass`), in one run, at fixed concurrency;
// then the gateway again while policies are pushed (PUT /admin/policy), counting failed requests.
// The gateway enforces LargePolicy (1,000 rules, 100,000 CIDRs, rate limits, input detectors,
// redaction, audit log).
//
//   swift build -c release --product gateway-bench --product mcp-gateway
//   .build/release/gateway-bench [--concurrency 32] [--seconds 10] [--warmup 2] [--swap-every-ms 500]
//                                [--gateway PATH] [--nginx PATH]
//
// nginx: Debian's package (`apt-get install nginx-light`); without it the nginx row is left out.
import ControlPlaneHTTP
import Foundation
import MCPGateway
import NIOCore
import PolicyEngine
import TestSupport

struct Options {
    var concurrency = 32
    var seconds = 10
    var warmUp = 2
    var swapEveryMilliseconds = 500
    var gateway = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("mcp-gateway").path
    var nginx = "/usr/sbin/nginx"

    init(_ arguments: [String]) throws {
        var remaining = arguments[...]
        while let flag = remaining.popFirst() {
            guard let value = remaining.popFirst() else { throw BenchError("\(flag) needs a value") }
            func number() throws -> Int {
                guard let number = Int(value), number > 0 else { throw BenchError("\(flag) needs a positive number, not \(value)") }
                return number
            }
            switch flag {
            case "--concurrency": concurrency = try number()
            case "--seconds": seconds = try number()
            case "--warmup": warmUp = try number()
            case "--swap-every-ms": swapEveryMilliseconds = try number()
            case "--gateway": gateway = value
            case "--nginx": nginx = value
            default: throw BenchError("unknown option \(flag)")
            }
        }
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

func say(_ line: String) { FileHandle.standardError.write(Data((line + "\n").utf8)) }

/// Starts a child process with stdout piped and stderr to `log`; returns it and its first stdout line.
/// (The process ends when the returned value goes.)
func spawn(_ executable: String, _ arguments: [String], log: String) async throws -> (PeerProcess, String) {
    do {
        let peer = try await PeerProcess.start(executable: executable, arguments: arguments, timeout: .seconds(60), stderr: .file(log))
        return (peer, peer.firstLine)
    } catch {
        throw BenchError("\(executable) printed nothing; see \(log)")
    }
}

func stop(_ process: ChildProcess, signal: Int32 = SIGTERM) {
    process.signal(signal)
    if process.wait(timeout: .seconds(5)) == nil { process.terminate(grace: .zero) }
}

/// A free loopback port (bound, read and released).
func freePort() throws -> Int {
    let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(socket) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Bool in
            bind(socket, pointer, length) == 0 && getsockname(socket, pointer, &length) == 0
        }
    }
    guard bound else { throw BenchError("no free port") }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// Debian's nginx as a reverse proxy to the upstream, in the foreground, from a generated config
/// in `directory`; returns the process and its port.
func startNginx(_ nginx: String, upstreamPort: Int, directory: String) async throws -> (ChildProcess, Int) {
    let port = try freePort()
    let config = """
    \(geteuid() == 0 ? "user root;" : "")
    worker_processes auto;
    daemon off;
    master_process on;
    pid \(directory)/nginx.pid;
    error_log \(directory)/nginx-error.log warn;
    events { worker_connections 4096; }
    http {
        access_log off;
        client_body_temp_path \(directory)/client_body;
        proxy_temp_path \(directory)/proxy;
        fastcgi_temp_path \(directory)/fastcgi;
        uwsgi_temp_path \(directory)/uwsgi;
        scgi_temp_path \(directory)/scgi;
        upstream mcp { server 127.0.0.1:\(upstreamPort); keepalive 128; }
        server {
            listen 127.0.0.1:\(port);
            keepalive_requests 1000000;
            location / {
                proxy_pass http://mcp;
                proxy_http_version 1.1;
                proxy_set_header Connection "";
            }
        }
    }
    """
    try config.write(toFile: directory + "/nginx.conf", atomically: true, encoding: .utf8)
    let process = try ChildProcess(executable: nginx, arguments: ["-p", directory, "-c", directory + "/nginx.conf", "-e", directory + "/nginx-error.log"],
                                   stdin: .null, stdout: .null, stderr: .file(directory + "/nginx-error.log"))
    return (process, port)
}

/// Waits until `url` answers 200.
func waitFor(_ url: String, transport: HTTPTransport, what: String) async throws {
    for _ in 0..<600 {
        if let response = try? await transport.send(HTTPRequest(url: url, timeout: .seconds(2))), response.status == 200 { return }
        try await Task.sleep(for: .milliseconds(100))
    }
    throw BenchError("\(what) did not become ready at \(url)")
}

func pushBody(_ document: PolicyDocument, version: String) -> Data {
    let hash = String(document.version.dropFirst("sha256:".count))
    var body = Data(#"{"version":"\#(version)","sha256":"\#(hash)","document":"#.utf8)
    body.append(document.canonicalJSON())
    body.append(Data("}".utf8))
    return body
}

/// User plus system CPU seconds of a process so far.
func cpuSeconds(pid: Int32) -> Double {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else { return 0 }
    let fields = stat[stat.index(after: close)...].split(separator: " ")
    guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
    return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
}

func main() async throws {
    let options = try Options(Array(CommandLine.arguments.dropFirst()))
    guard FileManager.default.isExecutableFile(atPath: options.gateway) else {
        throw BenchError("\(options.gateway) is missing: run `swift build -c release --product mcp-gateway` first (or pass --gateway PATH)")
    }
    let directory = try makeTemporaryDirectory(prefix: "gateway-bench")
    defer { try? FileManager.default.removeItem(atPath: directory) }
    let transport = HTTPTransport(configuration: HTTPTransportConfiguration(maxIdleConnections: options.concurrency * 2 + 8, acceptCompression: false))

    let upstream = try await BenchUpstream.start()
    defer { upstream.close(promise: nil) }
    let upstreamPort = upstream.localAddress?.port ?? 0
    let upstreamURL = "http://127.0.0.1:\(upstreamPort)/mcp"

    // The gateway, enforcing the full policy from its boot file.
    let document = LargePolicy.document()
    try pushBody(document, version: "boot").write(to: URL(fileURLWithPath: directory + "/policy.json"))
    try "bench-admin-token\n".write(toFile: directory + "/admin-token", atomically: true, encoding: .utf8)
    let bootStart = ContinuousClock.now
    let (gateway, announced) = try await spawn(options.gateway, [
        "--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0", "--admin-token-file", directory + "/admin-token",
        "--policy", directory + "/policy.json", "--upstream-url", upstreamURL, "--log-level", "warning",
        "--max-sessions", String(options.concurrency * 2 + 16),
    ], log: directory + "/gateway.log")
    defer { stop(gateway.process) }
    let ports = try JSONValue(parsing: announced)
    guard let gatewayPort = ports["port"]?.intValue, let adminPort = ports["adminPort"]?.intValue else {
        throw BenchError("the gateway announced \(announced)")
    }
    try await waitFor("http://127.0.0.1:\(adminPort)/readyz", transport: transport, what: "the gateway")
    say("gateway ready \(ContinuousClock.now - bootStart) after start (boot policy: 1,000 rules, 100,000 CIDRs)")

    // nginx in front of the same upstream.
    var nginx: (ChildProcess, Int)?
    if FileManager.default.isExecutableFile(atPath: options.nginx) {
        nginx = try await startNginx(options.nginx, upstreamPort: upstreamPort, directory: directory)
    } else {
        say("nginx is missing at \(options.nginx): install it with `apt-get install nginx-light` (the nginx row is left out)")
    }
    defer { if let nginx { stop(nginx.0, signal: SIGQUIT) } }

    // One MCP session per worker through the gateway, authenticated with the policy's API key.
    let mcpHeaders: HTTPHeaders = ["Content-Type": "application/json", "Accept": "application/json, text/event-stream"]
    var authenticated = mcpHeaders
    authenticated.add("X-API-Key", LargePolicy.apiKey)
    let gatewayURL = "http://127.0.0.1:\(gatewayPort)/mcp"
    var sessions: [String] = []
    for _ in 0..<options.concurrency {
        let initialize = #"{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"gateway-bench","version":"1"}}}"#
        let response = try await transport.send(HTTPRequest(method: "POST", url: gatewayURL, headers: authenticated, body: Data(initialize.utf8)))
        guard response.status == 200, let session = response.headers["mcp-session-id"] else {
            throw BenchError("initialize through the gateway failed: HTTP \(response.status) \(String(decoding: response.body, as: UTF8.self))")
        }
        var headers = authenticated
        headers.add("Mcp-Session-Id", session)
        headers.add("MCP-Protocol-Version", "2025-06-18")
        _ = try await transport.send(HTTPRequest(method: "POST", url: gatewayURL, headers: headers,
                                                 body: Data(#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#.utf8)))
        sessions.append(session)
    }
    let sessionHeaders: @Sendable (Int) -> HTTPHeaders = { [sessions, authenticated] worker in
        var headers = authenticated
        headers.add("Mcp-Session-Id", sessions[worker % sessions.count])
        headers.add("MCP-Protocol-Version", "2025-06-18")
        return headers
    }
    // The policy is in force: a denied tool is refused with the rule named.
    let denied = try await transport.send(HTTPRequest(method: "POST", url: gatewayURL, headers: sessionHeaders(0), body: Data(
        #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"t5_read_secret_x","arguments":{}}}"#.utf8)))
    let deniedText = String(decoding: denied.body, as: UTF8.self)
    guard deniedText.contains("\"error\""), deniedText.contains("team-5") || deniedText.contains("rule") else {
        throw BenchError("the policy did not deny t5_read_secret_x: \(deniedText)")
    }

    let load = LoadRun(concurrency: options.concurrency, warmUp: .seconds(options.warmUp), duration: .seconds(options.seconds), transport: transport)
    let direct = LoadRun.Target(name: "direct", url: upstreamURL) { _ in mcpHeaders }
    var results: [LoadRun.Result] = []
    say("direct …")
    results.append(await load.run(direct))
    if let nginx {
        // nginx is up once a call through it succeeds.
        var up = false
        for _ in 0..<100 where !up {
            let request = HTTPRequest(method: "POST", url: "http://127.0.0.1:\(nginx.1)/mcp", headers: mcpHeaders, body: LoadRun.body(worker: 0, index: 0))
            up = (try? await transport.send(request)).map(LoadRun.succeeded) ?? false
            if !up { try await Task.sleep(for: .milliseconds(100)) }
        }
        guard up else { throw BenchError("nginx did not proxy a call; see \(directory)/nginx-error.log") }
    }
    if let nginx {
        say("nginx …")
        results.append(await load.run(LoadRun.Target(name: "nginx proxy_pass", url: "http://127.0.0.1:\(nginx.1)/mcp") { _ in mcpHeaders }))
    }
    say("gateway …")
    let cpuBefore = cpuSeconds(pid: gateway.process.processIdentifier)
    let gatewayResult = await load.run(LoadRun.Target(name: "mcp-gateway (full policy)", url: gatewayURL, headers: sessionHeaders))
    let gatewayCPU = cpuSeconds(pid: gateway.process.processIdentifier) - cpuBefore
    results.append(gatewayResult)

    // The gateway again, with a policy pushed every swapEveryMilliseconds.
    say("gateway with policy swaps …")
    let adminURL = "http://127.0.0.1:\(adminPort)/admin/policy"
    let pushes = (0..<4).map { revision in pushBody(LargePolicy.document(revision: revision + 1), version: "rev-\(revision + 1)") }
    let swapTask = Task { () -> (applied: Int, failed: Int, times: [Double], lastError: String?) in
        var applied = 0
        var failed = 0
        var times: [Double] = []
        var lastError: String?
        var index = 0
        let clock = ContinuousClock()
        let end = clock.now + .seconds(options.warmUp + options.seconds)
        while clock.now < end {
            try? await Task.sleep(for: .milliseconds(options.swapEveryMilliseconds))
            var headers: HTTPHeaders = ["Authorization": "Bearer bench-admin-token", "Content-Type": "application/json"]
            headers.add("Accept", "application/json")
            let started = clock.now
            let response = try? await transport.send(HTTPRequest(method: "PUT", url: adminURL, headers: headers, body: pushes[index % pushes.count],
                                                                 timeout: .seconds(30)))
            let (seconds, attoseconds) = (clock.now - started).components
            times.append(Double(seconds) * 1000 + Double(attoseconds) / 1e15)
            if response?.status == 200 { applied += 1 } else {
                failed += 1
                lastError = response.map { "HTTP \($0.status) \(String(decoding: $0.body.prefix(300), as: UTF8.self))" } ?? "no answer"
            }
            index += 1
        }
        return (applied, failed, times.sorted(), lastError)
    }
    var swapping = await load.run(LoadRun.Target(name: "mcp-gateway, policy pushed every \(options.swapEveryMilliseconds) ms", url: gatewayURL,
                                                 headers: sessionHeaders))
    let swaps = await swapTask.value
    swapping.name += " (\(swaps.applied) swaps)"
    results.append(swapping)

    let enforced = try await transport.send(HTTPRequest(url: adminURL, headers: ["Authorization": "Bearer bench-admin-token"]))
    let enforcedVersion = (try? JSONValue(parsing: Array(enforced.body)))?["version"]?.stringValue ?? "?"

    print("""
    gateway-bench: tools/call at concurrency \(options.concurrency), \(options.seconds) s measured after \(options.warmUp) s warm-up, \
    \(ProcessInfo.processInfo.activeProcessorCount) CPUs; load generator and upstream in this process, gateway and nginx in their own.

    | target | requests/s | p50 ms | p99 ms | requests | failed |
    |---|---|---|---|---|---|
    """)
    for result in results {
        print(String(format: "| %@ | %.0f | %.2f | %.2f | %d | %d |", result.name, result.requestsPerSecond, result.percentile(0.5),
                     result.percentile(0.99), result.requests, result.failures))
    }
    print("")
    if let nginxResult = results.first(where: { $0.name.hasPrefix("nginx") }) {
        let ratio = gatewayResult.requestsPerSecond / nginxResult.requestsPerSecond
        print(String(format: "gateway / nginx throughput: %.2f (target ≥ 0.80: %@)", ratio, ratio >= 0.8 ? "met" : "MISSED"))
    }
    print(String(format: "gateway CPU: %.1f s over the %d s run (%.0f µs per request)", gatewayCPU, options.warmUp + options.seconds,
                 gatewayCPU / Double(max(1, gatewayResult.requests)) * 1e6 * Double(options.seconds) / Double(options.warmUp + options.seconds)))
    if !swaps.times.isEmpty {
        print(String(format: "policy pushes during load: %d applied, %d failed; PUT /admin/policy p50 %.0f ms, max %.0f ms; in force after: %@",
                     swaps.applied, swaps.failed, swaps.times[swaps.times.count / 2], swaps.times.last!, enforcedVersion))
    }
    print("failed requests during swaps: \(swapping.failures) of \(swapping.requests) (target 0)")
    for result in results {
        if let failure = result.firstFailure { print("first failure (\(result.name)): \(failure)") }
    }
    if let error = swaps.lastError { print("last failed push: \(error)") }
}

do {
    try await main()
} catch {
    FileHandle.standardError.write(Data("gateway-bench: \(error)\n".utf8))
    exit(1)
}
