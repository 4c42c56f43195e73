import Foundation
import PolicyEngine

/// The policy seam implemented with the policy engine: one compiled policy (immutable) and the
/// gateway's rate limiter (shared across policy swaps so buckets survive a push).
///
/// It always answers with the policy's own decisions, also for a document with `dryRun: true`:
/// whether a decision is enforced is the gateway's business (`PolicySnapshot` evaluates a dry-run
/// policy beside the enforced one and never lets it refuse anything).
public struct EnginePolicyEnforcer: PolicyEnforcer {
    /// The compiled policy.
    public let policy: CompiledPolicy
    private let rateLimiter: RateLimiter

    /// An enforcer of `policy` taking rate-limit tokens from `rateLimiter`.
    public init(policy: CompiledPolicy, rateLimiter: RateLimiter) {
        self.policy = policy
        self.rateLimiter = rateLimiter
    }

    /// The engine's identity for a caller the gateway authenticated.
    func identity(_ origin: RequestOrigin) -> Identity {
        let caller = origin.identity
        switch caller.method {
        case .anonymous:
            return .anonymous
        case .apiKey:
            return Identity(subject: caller.subject ?? Identity.anonymousSubject, method: .apiKey)
        case .jwt:
            return policy.identity(fromVerifiedClaims: caller.claims.mapValues(\.policyJSON))
                ?? Identity(subject: caller.subject ?? Identity.anonymousSubject, method: .jwt)
        }
    }

    private func map(_ decision: Decision) -> PolicyDecision {
        if decision.allowed { return .allow }
        if let retryAfter = decision.retryAfter { return .rateLimited(rule: decision.rule, retryAfterSeconds: retryAfter) }
        return .deny(rule: decision.rule, reason: decision.reason)
    }

    public func checkConnection(clientIP: String?) -> PolicyDecision {
        map(policy.evaluateConnection(clientIP.flatMap { IPAddress($0) }))
    }

    public func checkIdentity(_ origin: RequestOrigin) -> PolicyDecision {
        if origin.identity.method == .anonymous, policy.document.authentication?.allowAnonymous != true {
            return .deny(rule: "authentication.anonymous", reason: "anonymous access is not allowed; present an API key or a bearer token")
        }
        return .allow
    }

    public var oidc: PolicyDocument.OIDC? { policy.oidc }

    public func identify(apiKey: String) -> CallerIdentity? {
        policy.identity(forAPIKey: apiKey).map { CallerIdentity(method: .apiKey, subject: $0.subject) }
    }

    public func checkToolCall(tool: String, arguments: JSONValue?, origin: RequestOrigin) -> PolicyDecision {
        let request = ToolCallRequest(identity: identity(origin), clientIP: origin.clientIP, toolName: tool,
                                      arguments: arguments?.policyJSON ?? .object([:]))
        return map(policy.evaluate(request, rateLimiter: rateLimiter))
    }

    public func auditRecord(tool: String, arguments: JSONValue?, origin: RequestOrigin, decision: PolicyDecision,
                            latencyNanoseconds: UInt64) -> [UInt8]? {
        guard policy.auditEnabled else { return nil }
        let request = ToolCallRequest(identity: identity(origin), clientIP: origin.clientIP, toolName: tool,
                                      arguments: arguments?.policyJSON ?? .object([:]))
        let engineDecision: Decision
        switch decision {
        case .allow: engineDecision = Decision(allowed: true, rule: "allow", reason: "allowed")
        case .deny(let rule, let reason): engineDecision = Decision(allowed: false, rule: rule, reason: reason)
        case .rateLimited(let rule, let retryAfter):
            engineDecision = Decision(allowed: false, rule: rule, reason: "rate limited", retryAfter: retryAfter)
        }
        return Array(policy.auditRecord(request: request, decision: engineDecision, latencyNanoseconds: latencyNanoseconds, timestamp: Date()))
    }

    public func isToolVisible(_ tool: String, origin: RequestOrigin) -> Bool {
        policy.toolVisible(identity(origin), tool)
    }

    public func redact(toolResult: JSONValue) -> JSONValue {
        guard policy.redactsOutput else { return toolResult }
        return toolResult.mapToolResultText { policy.redact($0) }
    }
}

/// Compiles pushed documents with the policy engine. The rate limiters live here so they outlive
/// each compiled policy; dry-run documents take tokens from a limiter of their own, so evaluating
/// one never uses up the enforced policy's buckets.
public struct EnginePolicyCompiler: PolicyCompiler {
    private let rateLimiter: RateLimiter
    private let dryRunRateLimiter: RateLimiter

    /// A compiler whose enforcers share one rate limiter reading `clock` (monotonic nanoseconds).
    public init(clock: @escaping @Sendable () -> UInt64 = RateLimiter.systemClock) {
        rateLimiter = RateLimiter(clock: clock)
        dryRunRateLimiter = RateLimiter(clock: clock)
    }

    public func compile(document: JSONValue) throws -> CompiledPolicyDocument {
        let bytes = document.renderedBytes()
        let compiled: CompiledPolicy
        do {
            compiled = try CompiledPolicy(PolicyDocument.decode(json: Data(bytes)))
        } catch {
            let issues = error.issues.map { (path: $0.path, reason: $0.message) }
            guard let first = issues.first else { throw PolicyRejection(fieldPath: "", reason: error.shortDescription) }
            throw PolicyRejection(fieldPath: first.path, reason: first.reason, more: Array(issues.dropFirst()))
        }
        let sha256 = String(compiled.version.dropFirst("sha256:".count))
        var accepted: Set<String> = []
        if let raw = try? PolicyJSON(parsing: bytes) { accepted.insert(Authenticator.sha256Hex(raw.canonicalBytes())) }
        guard compiled.isDryRun else {
            return CompiledPolicyDocument(enforcer: EnginePolicyEnforcer(policy: compiled, rateLimiter: rateLimiter),
                                          sha256: sha256, acceptedSHA256: accepted)
        }
        var promoted = compiled.document
        promoted.dryRun = false
        var promotedHashes: Set<String> = [String(promoted.version.dropFirst("sha256:".count))]
        if case .object(var members) = document {
            members["dryRun"] = .bool(false)
            if let raw = try? PolicyJSON(parsing: JSONValue.object(members).renderedBytes()) {
                promotedHashes.insert(Authenticator.sha256Hex(raw.canonicalBytes()))
            }
            members["dryRun"] = nil
            if let raw = try? PolicyJSON(parsing: JSONValue.object(members).renderedBytes()) {
                promotedHashes.insert(Authenticator.sha256Hex(raw.canonicalBytes()))
            }
        }
        return CompiledPolicyDocument(enforcer: EnginePolicyEnforcer(policy: compiled, rateLimiter: dryRunRateLimiter),
                                      sha256: sha256, acceptedSHA256: accepted, isDryRun: true, promotedSHA256: promotedHashes)
    }
}
