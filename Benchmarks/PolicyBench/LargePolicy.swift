import PolicyEngine

/// The benchmark policy of the gateway issue: 1,000 role rules, 100,000 threat-intelligence CIDRs,
/// three rate limits, two custom input patterns and an output redaction. Deterministic: the same
/// document on every run. policy-bench and gateway-bench build it from this one file, and the
/// policy-engine tests check what it decides.
enum LargePolicy {
    /// The API key the benchmark clients present; its subject `user-5-bench` holds role `team-5`.
    static let apiKey = "bench-api-key"
    /// SHA-256 of `apiKey`, as the policy stores it.
    static let apiKeySHA256 = "fd0ba226dc24b08a5c55782e91ba91ba5528bb35f37f7d322b35d703efb77822"
    /// A tool `user-5-bench` may call.
    static let allowedTool = "t5_read_notes"

    /// The document. `revision` varies a subject no request uses so that successive pushes differ.
    static func document(revision: Int = 0) -> PolicyDocument {
        var random = Generator(seed: 7)
        var cidrs: [String] = []
        cidrs.reserveCapacity(100_000)
        for index in 0..<100_000 {
            if index % 10 == 9 {
                let high = random.next() | 0x2000_0000_0000_0000
                cidrs.append("\(IPAddress(ipv6High: high, low: 0))/\(Int.random(in: 32...64, using: &random))")
            } else {
                // Keep 10.0.0.0/8 and 127.0.0.0/8 clean so the benchmark's clients pass.
                var value = UInt32.random(in: 0...UInt32.max, using: &random)
                if value >> 24 == 10 || value >> 24 == 127 { value ^= 0x0100_0000 }
                cidrs.append("\(IPAddress(ipv4: value))/\(Int.random(in: 16...32, using: &random))")
            }
        }
        // 100 roles × (4 allow + 3 deny + 3 subject globs) = 1,000 rules.
        let roles = (0..<100).map { index in
            PolicyDocument.Role(
                name: "team-\(index)",
                subjects: ["user-\(index)-*", index == 99 ? "svc-99-r\(revision)" : "svc-\(index)", "bot-\(index)?"],
                allowTools: ["t\(index)_read_*", "t\(index)_list", "shared_*", "plugin\(index % 10)__*"],
                denyTools: ["t\(index)_read_secret*", "shared_admin_*", "plugin\(index % 10)__delete_*"])
        }
        return PolicyDocument(
            defaultAction: .deny,
            authentication: .init(allowAnonymous: false, apiKeys: [.init(name: "user-5-bench", sha256: apiKeySHA256)]),
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

    /// The tool-call mix the decision benchmark replays: four in five calls are granted, the fifth
    /// (`t<N>_read_secret_x`) is denied by its role's deny rule.
    static func requests(count: Int = 2_000) -> [ToolCallRequest] {
        var random = Generator(seed: 11)
        let arguments: [PolicyJSON] = [
            ["query": "weather in Berlin tomorrow", "limit": 10],
            ["path": "docs/readme.md", "encoding": "utf-8"],
            ["sql": "SELECT name FROM users WHERE id = 42", "explain": false],
            ["text": "Summarize the attached report in three bullet points, please.", "tags": ["q1", "finance"]],
        ]
        return (0..<count).map { index in
            let team = Int.random(in: 0..<100, using: &random)
            let tool = ["t\(team)_read_notes", "t\(team)_list", "shared_search", "plugin\(team % 10)__fetch", "t\(team)_read_secret_x"][index % 5]
            let address = IPAddress(ipv4: 0x0A00_0000 | UInt32.random(in: 0...0xFF_FFFF, using: &random))
            return ToolCallRequest(
                identity: Identity(subject: "user-\(team)-\(index)", method: .apiKey), clientIP: address, toolName: tool,
                arguments: arguments[index % arguments.count])
        }
    }

    /// SplitMix64, so every run builds the same document.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }
}
