import Testing

@testable import PolicyEngine

@Suite struct InputValidationTests {
    func policy(_ input: PolicyDocument.InputValidation) throws -> CompiledPolicy {
        try CompiledPolicy(PolicyDocument(defaultAction: .allow, inputValidation: input))
    }

    func call(_ policy: CompiledPolicy, _ arguments: PolicyJSON) -> Decision {
        policy.evaluate(ToolCallRequest(identity: .key("k"), clientIP: "192.0.2.1", toolName: "tool", arguments: arguments))
    }

    @Test func sizeLimitCountsCanonicalBytes() throws {
        let limited = try policy(.init(maxArgumentBytes: 20))
        #expect(call(limited, ["q": "123456789012"]).allowed)  // {"q":"123456789012"} is 20 bytes
        let denied = call(limited, ["q": "1234567890123"])
        #expect(denied.rule == "inputValidation.maxArgumentBytes")
        #expect(!denied.allowed)
    }

    @Test func depthLimitCountsNestedContainers() throws {
        let limited = try policy(.init(maxDepth: 3))
        #expect(call(limited, ["a": ["b": ["c"]]]).allowed)
        #expect(call(limited, ["a": ["b": [["c"]]]]).rule == "inputValidation.maxDepth")
        var deep: PolicyJSON = "leaf"
        for _ in 0..<200 { deep = ["x": deep] }
        #expect(call(try policy(.init()), deep).rule == "inputValidation.maxDepth")
    }

    @Test func detectorsRunOnEveryStringAndKey() throws {
        let all = try policy(.init())
        #expect(call(all, ["query": "weather in Oslo", "limit": 5]).allowed)
        let sql = call(all, ["filters": [["name": "x' OR '1'='1"]]])
        #expect(sql.rule == "inputValidation.sqlInjection")
        #expect(sql.reason.contains("\"filters.name\""))
        #expect(call(all, ["<script>alert(1)</script>": true]).rule == "inputValidation.xss")
        #expect(call(all, ["path": "../../../../etc/passwd"]).rule == "inputValidation.pathTraversal")
        #expect(call(all, ["host": "8.8.8.8; cat /etc/passwd"]).rule == "inputValidation.commandInjection")
        let some = try policy(.init(detectors: .init(sqlInjection: false, pathTraversal: false)))
        #expect(call(some, ["q": "' OR 1=1--"]).allowed)
        #expect(call(some, ["q": "<svg onload=alert(1)>"]).rule == "inputValidation.xss")
    }

    @Test func customPatternsRespectFields() throws {
        let patterns = try policy(
            .init(
                detectors: .init(sqlInjection: false, xss: false, pathTraversal: false, commandInjection: false),
                customPatterns: [
                    .init(name: "aws-key", pattern: "AKIA[0-9A-Z]{16}"),
                    .init(name: "no-prod", pattern: "(?i)\\bprod(uction)?\\b", fields: ["env", "target.*"]),
                ]))
        #expect(call(patterns, ["note": "key AKIAABCDEFGHIJKLMNOP here"]).rule == "inputValidation.customPatterns.aws-key")
        #expect(call(patterns, ["env": "Production"]).rule == "inputValidation.customPatterns.no-prod")
        #expect(call(patterns, ["target": ["cluster": "prod"]]).rule == "inputValidation.customPatterns.no-prod")
        #expect(call(patterns, ["note": "prod is down"]).allowed)
        #expect(call(patterns, ["env": "products"]).allowed)
    }

    @Test func layersRunInOrder() throws {
        let policy = try CompiledPolicy(
            PolicyDocument(
                roles: [.init(name: "r", subjects: ["k"], allowTools: ["tool"])],
                network: .init(denyCIDRs: ["203.0.113.0/24"]),
                inputValidation: .init(maxArgumentBytes: 10)))
        let big: PolicyJSON = ["q": "' OR 1=1 -- and more"]
        #expect(policy.evaluate(ToolCallRequest(identity: .key("k"), clientIP: "203.0.113.9", toolName: "tool", arguments: big)).rule == "network.deny")
        #expect(policy.evaluate(ToolCallRequest(identity: .key("k"), clientIP: "192.0.2.1", toolName: "other", arguments: big)).rule == "defaultAction")
        #expect(policy.evaluate(ToolCallRequest(identity: .key("k"), clientIP: "192.0.2.1", toolName: "tool", arguments: big)).rule == "inputValidation.maxArgumentBytes")
        let ok = policy.evaluate(ToolCallRequest(identity: .key("k"), clientIP: "192.0.2.1", toolName: "tool", arguments: ["q": 1]))
        #expect(ok.allowed && ok.rule == "roles.r.allowTools[0]")
    }

    @Test func detectorsStayLinearOnHostileInput() {
        // Shapes that would make a naive scanner quadratic: many separators, tags, quotes, comments.
        let hostile = [
            String(repeating: "<a ", count: 40_000), String(repeating: ";", count: 100_000), String(repeating: "`x", count: 50_000),
            String(repeating: "/*", count: 50_000), String(repeating: "'", count: 100_000), String(repeating: "../x", count: 30_000),
            String(repeating: "& ", count: 50_000), String(repeating: "script", count: 20_000) + ":x",
        ]
        let detector = InjectionDetector()
        for text in hostile { _ = detector.detect(text) }
    }
}
