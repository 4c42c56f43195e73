import Testing

@testable import PolicyEngine

@Suite struct RateLimiterTests {
    func request(_ key: String = "alice", rate: Double = 2, burst: Double = 3, rule: String = "rateLimits.user") -> RateLimiter.Request {
        RateLimiter.Request(rule: rule, key: key, ratePerSecond: rate, burst: burst)
    }

    @Test func burstThenRefillThenRetryAfter() {
        let clock = ManualClock()
        let limiter = RateLimiter(clock: clock.function)
        for _ in 0..<3 { #expect(limiter.acquire([request()]) == .allowed) }
        guard case .limited(let rule, let retryAfter) = limiter.acquire([request()]) else {
            Issue.record("expected a refusal")
            return
        }
        #expect(rule == "rateLimits.user")
        #expect(abs(retryAfter - 0.5) < 1e-9)
        clock.advance(seconds: 0.25)
        guard case .limited(_, let later) = limiter.acquire([request()]) else {
            Issue.record("expected a refusal")
            return
        }
        #expect(abs(later - 0.25) < 1e-9)
        clock.advance(seconds: 0.25)
        #expect(limiter.acquire([request()]) == .allowed)
        // A long idle period refills to the burst, not beyond.
        clock.advance(seconds: 3600)
        for _ in 0..<3 { #expect(limiter.acquire([request()]) == .allowed) }
        #expect(limiter.acquire([request()]) != .allowed)
    }

    @Test func keysHaveSeparateBuckets() {
        let limiter = RateLimiter(clock: ManualClock().function)
        #expect(limiter.acquire([request("a", burst: 1)]) == .allowed)
        #expect(limiter.acquire([request("a", burst: 1)]) != .allowed)
        #expect(limiter.acquire([request("b", burst: 1)]) == .allowed)
    }

    @Test func aRefusalTakesNoTokensFromOtherBuckets() {
        let limiter = RateLimiter(clock: ManualClock().function)
        let tool = request("search", rate: 1, burst: 1, rule: "rateLimits.tool")
        #expect(limiter.acquire([request(burst: 5), tool]) == .allowed)
        #expect(limiter.acquire([request(burst: 5), tool]) == .limited(rule: "rateLimits.tool", retryAfter: 1))
        // The user bucket gave up only the one token of the allowed call.
        for _ in 0..<4 { #expect(limiter.acquire([request(burst: 5)]) == .allowed) }
        #expect(limiter.acquire([request(burst: 5)]) != .allowed)
    }

    @Test func keyCountStaysBoundedAndFullBucketsGoFirst() {
        let clock = ManualClock()
        let limiter = RateLimiter(maximumKeys: 100, clock: clock.function)
        _ = limiter.acquire([request("busy", rate: 0.001, burst: 2)])
        for index in 0..<1000 {
            _ = limiter.acquire([request("k\(index)", rate: 1000, burst: 1)])
            clock.advance(seconds: 0.01)
            #expect(limiter.keyCount <= 100)
        }
        // The slow bucket never refilled, so it was never forgotten: its one token is left, then none.
        #expect(limiter.acquire([request("busy", rate: 0.001, burst: 2)]) == .allowed)
        #expect(limiter.acquire([request("busy", rate: 0.001, burst: 2)]) != .allowed)
    }

    @Test func policyLimitsApplyPerScopeAndTool() throws {
        let clock = ManualClock()
        let limiter = RateLimiter(clock: clock.function)
        let policy = try CompiledPolicy(
            PolicyDocument(
                defaultAction: .allow,
                rateLimits: [
                    .init(name: "per-user", requestsPerMinute: 60, burst: 2),
                    .init(name: "expensive", scope: .tool, tools: ["render_*"], requestsPerSecond: 1),
                    .init(name: "per-ip", scope: .clientIP, requestsPerSecond: 100),
                ]))
        func call(_ who: String, _ tool: String) -> Decision {
            policy.evaluate(ToolCallRequest(identity: .key(who), clientIP: "198.51.100.7", toolName: tool), rateLimiter: limiter)
        }
        #expect(call("alice", "render_pdf").allowed)
        let second = call("bob", "render_pdf")
        #expect(second.rule == "rateLimits.expensive")
        #expect(second.retryAfter == 1)
        #expect(call("alice", "search").allowed)
        let third = call("alice", "search")
        #expect(third.rule == "rateLimits.per-user")
        #expect(third.retryAfter.map { abs($0 - 1) < 1e-9 } == true)
        #expect(third.reason.contains("per-user"))
        clock.advance(seconds: 1)
        #expect(call("alice", "search").allowed)
        #expect(call("bob", "render_pdf").allowed)
        #expect(call("carol", "render_png").allowed)
    }
}
