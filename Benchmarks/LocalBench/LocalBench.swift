// local-bench: `mcpctl up` of one server with two plugins until ready, against a bash script
// doing the same `docker` commands, alternating in the same run; then, with the server up, the
// time from `docker kill` of a plugin container to its replacement answering a tool call through
// the server's gateway (a new MCP session each probe, every ~50 ms).
//
//   swift build -c release --product local-bench --product mcpctl
//   bash hack/images.sh                      # the images, no registry
//   .build/release/local-bench [--rounds 3] [--mcpctl PATH]
//
// Targets: `mcpctl up` at most 1.3 times the script; a killed plugin replaced and answering
// within 2 s.
import Foundation

@main
enum LocalBench {
    static func main() {
        do {
            let options = try BenchOptions(Array(CommandLine.arguments.dropFirst()))
            try run(options)
        } catch {
            FileHandle.standardError.write(Data("local-bench: \(error)\n".utf8))
            exit(1)
        }
    }

    static func run(_ options: BenchOptions) throws {
        try preflight(options)
        let work = NSTemporaryDirectory() + "local-bench-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }
        let script = DockerRunScript(options: options)
        try script.up.write(toFile: work + "/up.sh", atomically: true, encoding: .utf8)
        try script.down.write(toFile: work + "/down.sh", atomically: true, encoding: .utf8)
        try BenchManifest.yaml(options).write(toFile: work + "/bench.yaml", atomically: true, encoding: .utf8)
        try writeGatewayConfig(work + "/config")
        Shell.succeeds(["bash", work + "/down.sh"])

        report("local-bench: one stdio server with two stdio plugins; images \(options.prefix)/*:\(options.tag); \(options.rounds) rounds")
        report("warm-up: one untimed run of the script")
        _ = try runScript(work: work, probeTool: nil)

        var scriptTimes: [Double] = [], upTimes: [Double] = [], replacements: [Double] = []
        for round in 1...options.rounds {
            var scriptPart = "", upPart = ""
            func scriptRun() throws {
                let (ready, firstCall) = try runScript(work: work, probeTool: "text__upper")
                scriptTimes.append(ready)
                scriptPart = String(format: "script %.2f s (first plugin call %.2f s)", ready, firstCall)
            }
            func upRun() throws {
                let state = work + "/state-\(round)"
                defer { try? Shell.run([options.mcpctl, "down", "--state", state, "--timeout", "2m"], log: state + ".down.log") }
                let (ready, firstCall, endpoint) = try runUp(options, manifest: work + "/bench.yaml", state: state)
                upTimes.append(ready)
                upPart = String(format: "mcpctl up %.2f s (first plugin call %.2f s)", ready, firstCall)
                for (plugin, tool, arguments) in [("text", "text__upper", #"{"text":"probe"}"#), ("notes", "notes__list_posts", "{}")] {
                    let seconds = try replacement(container: "mcp-default-\(BenchManifest.server)-plugin-\(plugin)",
                                                  probe: EndpointProbe(endpoint: endpoint), tool: tool, arguments: arguments)
                    replacements.append(seconds)
                    upPart += " | kill \(plugin) -> answering " + String(format: "%.2f s", seconds)
                }
            }
            // Alternate the order so neither side always runs on a warmer engine.
            if round % 2 == 1 { try scriptRun(); try upRun() } else { try upRun(); try scriptRun() }
            let line = "round \(round) (\(round % 2 == 1 ? "script first" : "mcpctl first")): \(scriptPart) | \(upPart)"
            report(line)
        }
        let scripted = median(scriptTimes), up = median(upTimes)
        let ratio = up / scripted
        report(String(format: "median: script %.2f s, mcpctl up %.2f s, ratio %.2f", scripted, up, ratio)
              + " (target <= 1.3: \(ratio <= 1.3 ? "met" : "NOT met"))")
        let worst = replacements.max() ?? .infinity
        report(String(format: "killed plugin answering again: median %.2f s, max %.2f s over %d kills", median(replacements), worst, replacements.count)
              + " (target <= 2 s: \(worst <= 2 ? "met" : "NOT met"))")
    }

    static func preflight(_ options: BenchOptions) throws {
        guard Shell.succeeds(["docker", "version"]) else {
            throw BenchError("no Docker engine answers (docker version failed); start one with: bash hack/docker.sh")
        }
        for image in [options.gatewayImage, options.postsImage, options.textImage] where !Shell.succeeds(["docker", "image", "inspect", image]) {
            throw BenchError("image \(image) is missing; build the images with: bash hack/images.sh")
        }
        guard FileManager.default.isExecutableFile(atPath: options.mcpctl) else {
            throw BenchError("\(options.mcpctl) is missing; build it with: swift build -c release --product mcpctl (or give --mcpctl PATH)")
        }
        guard Shell.succeeds(["curl", "--version"]) else { throw BenchError("curl is needed (apt-get install curl)") }
    }

    /// The admin token and policy the baseline's gateways boot with, owned by the containers' user.
    static func writeGatewayConfig(_ directory: String) throws {
        let manager = FileManager.default
        try manager.createDirectory(atPath: directory + "/admin", withIntermediateDirectories: true)
        try manager.createDirectory(atPath: directory + "/policy", withIntermediateDirectories: true)
        try UUID().uuidString.write(toFile: directory + "/admin/token", atomically: true, encoding: .utf8)
        try BenchManifest.policyJSON.write(toFile: directory + "/policy/policy.json", atomically: true, encoding: .utf8)
        try manager.setAttributes([.posixPermissions: 0o440, .ownerAccountID: 65532, .groupOwnerAccountID: 65532], ofItemAtPath: directory + "/admin/token")
        try manager.setAttributes([.posixPermissions: 0o444], ofItemAtPath: directory + "/policy/policy.json")
        for folder in ["", "/admin", "/policy"] { try manager.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory + folder) }
    }

    /// Runs the baseline script: seconds until ready, and until a plugin tool first answered.
    static func runScript(work: String, probeTool: String?) throws -> (Double, Double) {
        defer { Shell.succeeds(["bash", work + "/down.sh"]) }
        let start = ContinuousClock.now
        let output = try Shell.run(["bash", work + "/up.sh", work + "/config"])
        let ready = (ContinuousClock.now - start).seconds
        guard let probeTool else { return (ready, ready) }
        let endpoint = output.split(separator: "\n").last.map(String.init) ?? ""
        try waitForCall(EndpointProbe(endpoint: endpoint), tool: probeTool, arguments: #"{"text":"probe"}"#, what: "the script's server")
        return (ready, (ContinuousClock.now - start).seconds)
    }

    /// Runs `mcpctl up`: seconds until it returned (ready), until a plugin tool first answered, and the endpoint.
    static func runUp(_ options: BenchOptions, manifest: String, state: String) throws -> (Double, Double, String) {
        let start = ContinuousClock.now
        try Shell.run([options.mcpctl, "up", "-f", manifest, "--state", state, "--timeout", "3m"], log: state + ".up.log")
        let ready = (ContinuousClock.now - start).seconds
        let json = try Shell.run([options.mcpctl, "get", "mcps", BenchManifest.server, "--state", state, "-o", "json"])
        guard let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
              let status = object["status"] as? [String: Any], let endpoint = status["endpoint"] as? String else {
            throw BenchError("mcpctl up returned but the server has no endpoint: \(json.prefix(500))")
        }
        try waitForCall(EndpointProbe(endpoint: endpoint), tool: "text__upper", arguments: #"{"text":"probe"}"#, what: "mcpctl's server")
        return (ready, (ContinuousClock.now - start).seconds, endpoint)
    }

    static func waitForCall(_ probe: EndpointProbe, tool: String, arguments: String, what: String) throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while !probe.callSucceeds(tool, arguments: arguments) {
            guard ContinuousClock.now < deadline else { throw BenchError("\(tool) through \(what) at \(probe.endpoint) never answered") }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    /// Kills `container` and returns the seconds until a container of that name was started
    /// again and `tool` answered through the server's gateway.
    static func replacement(container: String, probe: EndpointProbe, tool: String, arguments: String) throws -> Double {
        func startedAt() -> String? {
            let output = try? Shell.run(["docker", "inspect", "-f", "{{.State.Running}} {{.State.StartedAt}}", container])
            guard let fields = output?.split(separator: " "), fields.count == 2, fields[0] == "true" else { return nil }
            return fields[1].trimmingCharacters(in: .whitespacesAndNewlines)
        }
        try waitForCall(probe, tool: tool, arguments: arguments, what: "the server before the kill")
        guard let before = startedAt() else { throw BenchError("\(container) is not running") }
        let start = ContinuousClock.now
        try Shell.run(["docker", "kill", container])
        let deadline = start + .seconds(60)
        while true {
            if let now = startedAt(), now != before, probe.callSucceeds(tool, arguments: arguments) {
                return (ContinuousClock.now - start).seconds
            }
            guard ContinuousClock.now < deadline else { throw BenchError("\(container) was not replaced within 60 s") }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    /// Prints one line at once (stdout may be a file or a pipe).
    static func report(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
}
