/// A rate limit ready to apply: which tools it covers and how to key its buckets.
struct CompiledRateLimit: Sendable {
    let rule: String
    let scope: PolicyDocument.RateLimit.Scope
    let tools: GlobSet
    let ratePerSecond: Double
    let burst: Double

    init(_ limit: PolicyDocument.RateLimit) {
        rule = "rateLimits.\(limit.name)"
        scope = limit.scope ?? .subject
        tools = GlobSet((limit.tools ?? ["*"]).compactMap { try? Glob($0) })
        ratePerSecond = limit.ratePerSecond
        burst = Double(limit.effectiveBurst)
    }

    func key(for request: ToolCallRequest) -> String {
        switch scope {
        case .subject: request.identity.subject
        case .tool: request.toolName
        case .clientIP: request.clientIP?.description ?? "unknown"
        }
    }
}

extension CompiledPolicy {
    /// The rate-limit layer: every limit covering the tool must have a token.
    func applyRateLimits(_ request: ToolCallRequest, _ limiter: RateLimiter) -> Decision? {
        var requests: [RateLimiter.Request] = []
        for limit in rateLimits where limit.tools.containsMatch(request.toolName) {
            requests.append(
                RateLimiter.Request(rule: limit.rule, key: limit.key(for: request), ratePerSecond: limit.ratePerSecond, burst: limit.burst))
        }
        guard !requests.isEmpty else { return nil }
        switch limiter.acquire(requests) {
        case .allowed:
            return nil
        case .limited(let rule, let retryAfter):
            let seconds = (retryAfter * 1000).rounded(.up) / 1000
            return .deny(rule, "rate limit \"\(rule.dropFirst("rateLimits.".count))\" exceeded; retry in \(seconds)s", retryAfter: retryAfter)
        }
    }
}
