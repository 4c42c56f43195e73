// policy-bench: the policy engine's benchmark (gateway issue), in a release build:
//
//   swift build -c release --product policy-bench
//   .build/release/policy-bench                      decision latency, compile, compile + swap
//   .build/release/policy-bench --detectors [DIR]    detection and false-positive rates of the input
//                                                    detectors on the labelled corpus in DIR
//                                                    (default Tests/PolicyEngineTests/Corpus)
//
// The policy is LargePolicy: 1,000 role rules and 100,000 threat-intelligence CIDRs.
import Foundation
import MCPGateway
import PolicyEngine

func microseconds(_ nanoseconds: UInt64) -> String { String(format: "%.2f µs", Double(nanoseconds) / 1000) }
func milliseconds(_ duration: Duration) -> String {
    let (seconds, attoseconds) = duration.components
    return String(format: "%.1f ms", Double(seconds) * 1000 + Double(attoseconds) / 1e15)
}

/// The value at `fraction` of sorted `samples`.
func percentile(_ samples: [UInt64], _ fraction: Double) -> UInt64 {
    samples[min(samples.count - 1, Int(Double(samples.count - 1) * fraction))]
}

/// Times `body` once per element of `inputs`, `rounds` times over; returns the sorted samples.
func sample<Input>(_ inputs: [Input], rounds: Int, _ body: (Input) -> Void) -> [UInt64] {
    var samples: [UInt64] = []
    samples.reserveCapacity(inputs.count * rounds)
    for _ in 0..<rounds {
        for input in inputs {
            let start = DispatchTime.now().uptimeNanoseconds
            body(input)
            samples.append(DispatchTime.now().uptimeNanoseconds - start)
        }
    }
    return samples.sorted()
}

func row(_ name: String, _ samples: [UInt64]) -> String {
    "| \(name) | \(microseconds(percentile(samples, 0.5))) | \(microseconds(percentile(samples, 0.99))) | \(microseconds(percentile(samples, 0.999))) | \(samples.count) |"
}

func runPolicyBenchmark() async throws {
    let clock = ContinuousClock()
    var document = LargePolicy.document()
    let buildStart = clock.now
    document = LargePolicy.document()
    print("policy: \(document.roles?.count ?? 0) roles (1,000 rules), \(document.threatIntel?.denyCIDRs?.count ?? 0) threat-intel CIDRs; built in \(milliseconds(clock.now - buildStart))")

    // Compile alone: validate, normalize, hash, build the prefix sets, globs and regexes.
    var compileTimes: [Duration] = []
    var compiled: CompiledPolicy?
    for _ in 0..<5 {
        let start = clock.now
        compiled = try CompiledPolicy(document)
        compileTimes.append(clock.now - start)
    }
    let policy = compiled!
    compileTimes.sort()

    // Decisions through every layer: network, identity, roles, rate limits, input validation.
    let limiter = RateLimiter(clock: RateLimiter.systemClock)
    let requests = LargePolicy.requests()
    for request in requests { _ = policy.evaluate(request, rateLimiter: limiter) }
    let allowed = requests.filter { policy.evaluate($0, rateLimiter: limiter).allowed }.count
    let decisions = sample(requests, rounds: 10) { _ = policy.evaluate($0, rateLimiter: limiter) }
    let network = sample(requests, rounds: 5) { _ = policy.evaluateConnection($0.clientIP) }
    let authorize = sample(requests, rounds: 5) { _ = policy.authorize($0.identity, tool: $0.toolName) }
    let detector = InjectionDetector()
    let strings = requests.flatMap { request -> [String] in
        guard case .object(let members) = request.arguments else { return [] }
        return members.values.compactMap { if case .string(let text) = $0 { return text } else { return nil } }
    }
    let detectors = sample(strings, rounds: 5) { _ = detector.detect($0) }

    // Compile + swap as PUT /admin/policy does it, without HTTP: parse the push body, validate,
    // compile off the caller, check the hash, swap the snapshot.
    let store = PolicyStore()
    let administrator = PolicyAdministrator(compiler: GatewayPolicyCompiler.default, store: store, metrics: nil)
    var swapTimes: [Duration] = []
    for revision in 1...5 {
        let pushed = LargePolicy.document(revision: revision)
        let body = pushBody(pushed, version: "rev-\(revision)")
        let start = clock.now
        let result = await administrator.applyPush(body: body)
        swapTimes.append(clock.now - start)
        guard case .success(let snapshot) = result, store.current?.version == snapshot.version else {
            throw BenchFailure("push \(revision) was not applied: \(result)")
        }
    }
    swapTimes.sort()

    print("""

    | measurement | p50 | p99 | p99.9 | samples |
    |---|---|---|---|---|
    \(row("decision, every layer (`evaluate`)", decisions))
    \(row("network layer (`evaluateConnection`, 100,000 CIDRs)", network))
    \(row("roles (`authorize`, 1,000 rules)", authorize))
    \(row("input detectors, one string argument", detectors))

    | measurement | median | min | max | runs |
    |---|---|---|---|---|
    | compile (`CompiledPolicy(document)`) | \(milliseconds(compileTimes[compileTimes.count / 2])) | \(milliseconds(compileTimes.first!)) | \(milliseconds(compileTimes.last!)) | \(compileTimes.count) |
    | compile + swap (push body → snapshot in force) | \(milliseconds(swapTimes[swapTimes.count / 2])) | \(milliseconds(swapTimes.first!)) | \(milliseconds(swapTimes.last!)) | \(swapTimes.count) |

    decisions allowed: \(allowed) of \(requests.count) (expected \(requests.count * 4 / 5))
    targets: p99 decision < 20 µs: \(percentile(decisions, 0.99) < 20_000 ? "met" : "MISSED"); \
    compile + swap < 200 ms: \(swapTimes[swapTimes.count / 2] < .milliseconds(200) ? "met" : "MISSED") (median)
    """)
}

/// `{"document": …, "version": …, "sha256": …}` for `document`.
func pushBody(_ document: PolicyDocument, version: String) -> [UInt8] {
    let canonical = document.canonicalJSON()
    let hash = String(document.version.dropFirst("sha256:".count))
    var body = Array(#"{"version":"\#(version)","sha256":"\#(hash)","document":"#.utf8)
    body += canonical
    body += Array("}".utf8)
    return body
}

struct BenchFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

if CommandLine.arguments.dropFirst().first == "--detectors" {
    let directory = CommandLine.arguments.dropFirst(2).first ?? "Tests/PolicyEngineTests/Corpus"
    do {
        print(try DetectorReport.make(corpus: directory).markdown)
    } catch {
        FileHandle.standardError.write(Data("policy-bench: \(error)\n".utf8))
        exit(1)
    }
} else {
    do {
        try await runPolicyBenchmark()
    } catch {
        FileHandle.standardError.write(Data("policy-bench: \(error)\n".utf8))
        exit(1)
    }
}
