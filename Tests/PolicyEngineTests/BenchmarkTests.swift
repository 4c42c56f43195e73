import Foundation
import Testing

@testable import PolicyEngine

/// The policy-engine benchmark from the gateway issue: a policy with 1,000 tool rules and
/// 100,000 threat-intelligence CIDRs, its compile time, and the latency of one decision through
/// every layer. It prints its numbers and asserts only correctness, not time (run it with
/// `-c release` for meaningful figures; debug builds are several times slower).
@Suite struct BenchmarkTests {
    static func largePolicy() -> PolicyDocument {
        var random = SeededGenerator(seed: 7)
        var cidrs: [String] = []
        cidrs.reserveCapacity(100_000)
        for index in 0..<100_000 {
            if index % 10 == 9 {
                let high = random.next() | 0x2000_0000_0000_0000
                cidrs.append("\(IPAddress(ipv6High: high, low: 0))/\(Int.random(in: 32...64, using: &random))")
            } else {
                // Keep 10.0.0.0/8 clean so the benchmark's clients pass.
                var value = UInt32.random(in: 0...UInt32.max, using: &random)
                if value >> 24 == 10 { value ^= 0x0100_0000 }
                cidrs.append("\(IPAddress(ipv4: value))/\(Int.random(in: 16...32, using: &random))")
            }
        }
        // 100 roles × (4 allow + 3 deny + 3 subject globs) = 1,000 rules.
        let roles = (0..<100).map { index in
            PolicyDocument.Role(
                name: "team-\(index)",
                subjects: ["user-\(index)-*", "svc-\(index)", "bot-\(index)?"],
                allowTools: ["t\(index)_read_*", "t\(index)_list", "shared_*", "plugin\(index % 10)__*"],
                denyTools: ["t\(index)_read_secret*", "shared_admin_*", "plugin\(index % 10)__delete_*"])
        }
        return PolicyDocument(
            roles: roles,
            rateLimits: [
                .init(name: "per-user", requestsPerSecond: 1_000_000),
                .init(name: "per-ip", scope: .clientIP, requestsPerSecond: 1_000_000),
                .init(name: "per-tool", scope: .tool, tools: ["shared_*"], requestsPerSecond: 1_000_000),
            ],
            network: .init(denyCIDRs: ["192.0.2.0/24", "198.51.100.0/24"]),
            inputValidation: .init(customPatterns: [
                .init(name: "aws-key", pattern: "AKIA[0-9A-Z]{16}"),
                .init(name: "private-key", pattern: "-----BEGIN [A-Z ]*PRIVATE KEY-----"),
            ]),
            outputRedaction: [.init(name: "email", pattern: "[\\w.+-]+@[\\w-]+\\.[\\w.]+")],
            threatIntel: .init(denyCIDRs: cidrs))
    }

    @Test func decisionLatencyWithLargePolicy() throws {
        let document = Self.largePolicy()
        let clock = ContinuousClock()
        var policy: CompiledPolicy?
        let compileTime = try clock.measure { policy = try CompiledPolicy(document) }
        let compiled = try #require(policy)
        let limiter = RateLimiter(clock: RateLimiter.systemClock)
        var random = SeededGenerator(seed: 11)
        let arguments: [PolicyJSON] = [
            ["query": "weather in Berlin tomorrow", "limit": 10],
            ["path": "docs/readme.md", "encoding": "utf-8"],
            ["sql": "SELECT name FROM users WHERE id = 42", "explain": false],
            ["text": "Summarize the attached report in three bullet points, please.", "tags": ["q1", "finance"]],
        ]
        let requests: [ToolCallRequest] = (0..<2_000).map { index in
            let team = Int.random(in: 0..<100, using: &random)
            let tool = ["t\(team)_read_notes", "t\(team)_list", "shared_search", "plugin\(team % 10)__fetch", "t\(team)_read_secret_x"][index % 5]
            let address = IPAddress(ipv4: 0x0A00_0000 | UInt32.random(in: 0...0xFF_FFFF, using: &random))
            return ToolCallRequest(
                identity: .key("user-\(team)-\(index)"), clientIP: address, toolName: tool, arguments: arguments[index % arguments.count])
        }
        for request in requests { _ = compiled.evaluate(request, rateLimiter: limiter) }
        var samples: [UInt64] = []
        var allowed = 0
        for round in 0..<10 {
            for request in requests {
                let start = DispatchTime.now().uptimeNanoseconds
                let decision = compiled.evaluate(request, rateLimiter: limiter)
                samples.append(DispatchTime.now().uptimeNanoseconds - start)
                if round == 0, decision.allowed { allowed += 1 }
            }
        }
        samples.sort()
        func percentile(_ fraction: Double) -> Double { Double(samples[Int(Double(samples.count - 1) * fraction)]) / 1000 }
        func layer(_ body: (ToolCallRequest) -> Void) -> String {
            var times: [UInt64] = []
            for _ in 0..<5 {
                for request in requests {
                    let start = DispatchTime.now().uptimeNanoseconds
                    body(request)
                    times.append(DispatchTime.now().uptimeNanoseconds - start)
                }
            }
            times.sort()
            let p50 = Double(times[times.count / 2]) / 1000
            let p99 = Double(times[times.count * 99 / 100]) / 1000
            return String(format: "p50 %.2f µs, p99 %.2f µs", p50, p99)
        }
        let breakdown = [
            "network   " + layer { _ = compiled.evaluateConnection($0.clientIP) },
            "authorize " + layer { _ = compiled.authorize($0.identity, tool: $0.toolName) },
            "rate      " + layer { _ = compiled.applyRateLimits($0, limiter) },
            "input     " + layer { _ = compiled.input.check($0.arguments) },
        ]
        print(
            """
            policy benchmark: 1000 rules, 100000 CIDRs (\(compiled.document.threatIntel?.denyCIDRs?.count ?? 0) after dedup)
              compile (validate + normalize + hash + build): \(compileTime)
              decision p50 \(String(format: "%.2f", percentile(0.5))) µs, p99 \(String(format: "%.2f", percentile(0.99))) µs, \
            p99.9 \(String(format: "%.2f", percentile(0.999))) µs over \(samples.count) calls
              by layer: \(breakdown.joined(separator: "\n                        "))
            """)
        // Four in five tools are granted; the fifth is denied by the role's deny rule.
        #expect(allowed == requests.count * 4 / 5)
        #expect(compiled.evaluateConnection(IPAddress(cidrsFirstAddress(document))).rule == "threatIntel")
    }

    private func cidrsFirstAddress(_ document: PolicyDocument) -> String {
        let first = document.threatIntel!.denyCIDRs![0]
        return String(first[..<first.firstIndex(of: "/")!])
    }
}
