import Testing

@testable import PolicyEngine

/// What the benchmark policy (1,000 rules, 100,000 CIDRs; see Benchmarks/PolicyBench) decides:
/// its timing is policy-bench's business, its decisions are checked here.
@Suite struct LargePolicyTests {
    @Test func decidesTheBenchmarkMixAsDocumented() throws {
        let document = LargePolicy.document()
        let compiled = try CompiledPolicy(document)
        #expect(compiled.document.threatIntel?.denyCIDRs?.count ?? 0 > 90_000)
        #expect(compiled.document.roles?.count == 100)
        let limiter = RateLimiter(clock: RateLimiter.systemClock)
        let requests = LargePolicy.requests()
        let decisions = requests.map { compiled.evaluate($0, rateLimiter: limiter) }
        // Four in five tools are granted; the fifth is denied by the role's deny rule.
        #expect(decisions.filter(\.allowed).count == requests.count * 4 / 5)
        for (request, decision) in zip(requests, decisions) where request.toolName.hasSuffix("_read_secret_x") {
            #expect(!decision.allowed)
        }
        let first = try #require(document.threatIntel?.denyCIDRs?.first)
        #expect(compiled.evaluateConnection(IPAddress(String(first[..<first.firstIndex(of: "/")!]))).rule == "threatIntel")
        #expect(compiled.evaluateConnection(IPAddress("127.0.0.1")).allowed)
    }

    @Test func theBenchmarkKeyHoldsItsRoleAndRevisionsDifferOnlyInVersion() throws {
        let compiled = try CompiledPolicy(LargePolicy.document())
        let caller = Identity(subject: "user-5-bench", method: .apiKey)
        #expect(compiled.authorize(caller, tool: LargePolicy.allowedTool).allowed)
        #expect(!compiled.authorize(caller, tool: "t5_read_secret_x").allowed)
        #expect(compiled.roles(of: caller) == ["team-5"])
        let revised = try CompiledPolicy(LargePolicy.document(revision: 3))
        #expect(revised.version != compiled.version)
        #expect(revised.authorize(caller, tool: LargePolicy.allowedTool).allowed)
    }

    @Test func aNormalizedDocumentCompilesToTheSameVersion() throws {
        // Pushes carry the normalized (sorted, deduplicated) document; compiling it again must
        // change nothing, whichever path the CIDR lists take.
        let compiled = try CompiledPolicy(LargePolicy.document())
        let again = try CompiledPolicy(compiled.document)
        #expect(again.version == compiled.version)
        #expect(again.canonicalJSON == compiled.canonicalJSON)
        let decoded = try PolicyDocument.decode(json: compiled.canonicalJSON)
        #expect(try CompiledPolicy(decoded).version == compiled.version)
    }
}
