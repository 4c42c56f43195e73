import Foundation
import PolicyEngine

/// The enforced policy with a dry-run policy evaluated beside it. Every answer is the enforced
/// policy's; the dry-run policy only observes:
/// - connections and identities: its would-be decision is counted (stages `connection`, `identity`);
/// - tool calls: its would-be decision is evaluated once per call, when the call's audit record is
///   made (after the enforced decision, so it never delays or changes it), counted (stage
///   `tools/call`) and, when the dry-run policy audits, written as a second audit line marked
///   `"dryRun": true` with the rule that would have decided;
/// - tool lists, output redaction and API keys are the enforced policy's alone.
/// Rate limits of the dry-run policy take tokens from buckets of their own, never the enforced ones.
struct ShadowedPolicyEnforcer: PolicyEnforcer {
    let enforced: any PolicyEnforcer
    let dryRun: DryRunPolicy
    let metrics: GatewayMetrics?

    func checkConnection(clientIP: String?) -> PolicyDecision {
        metrics?.recordDryRunDecision(dryRun.evaluator.checkConnection(clientIP: clientIP), stage: "connection")
        return enforced.checkConnection(clientIP: clientIP)
    }

    func checkIdentity(_ origin: RequestOrigin) -> PolicyDecision {
        metrics?.recordDryRunDecision(dryRun.evaluator.checkIdentity(origin), stage: "identity")
        return enforced.checkIdentity(origin)
    }

    func checkToolCall(tool: String, arguments: JSONValue?, origin: RequestOrigin) -> PolicyDecision {
        enforced.checkToolCall(tool: tool, arguments: arguments, origin: origin)
    }

    func isToolVisible(_ tool: String, origin: RequestOrigin) -> Bool {
        enforced.isToolVisible(tool, origin: origin)
    }

    func redact(toolResult: JSONValue) -> JSONValue {
        enforced.redact(toolResult: toolResult)
    }

    func identify(apiKey: String) -> CallerIdentity? {
        enforced.identify(apiKey: apiKey)
    }

    var oidc: PolicyDocument.OIDC? { enforced.oidc }

    func auditRecord(tool: String, arguments: JSONValue?, origin: RequestOrigin, decision: PolicyDecision,
                     latencyNanoseconds: UInt64) -> [UInt8]? {
        let enforcedLine = enforced.auditRecord(tool: tool, arguments: arguments, origin: origin, decision: decision,
                                                latencyNanoseconds: latencyNanoseconds)
        let started = ContinuousClock.now
        let wouldBe = dryRun.evaluator.checkToolCall(tool: tool, arguments: arguments, origin: origin)
        let elapsed = (ContinuousClock.now - started).components
        let latency = UInt64(max(0, elapsed.seconds)) * 1_000_000_000 + UInt64(max(0, elapsed.attoseconds / 1_000_000_000))
        metrics?.recordDryRunDecision(wouldBe, stage: "tools/call")
        let dryRunLine = dryRun.evaluator.auditRecord(tool: tool, arguments: arguments, origin: origin, decision: wouldBe,
                                                      latencyNanoseconds: latency).map(Self.markedDryRun)
        switch (enforcedLine, dryRunLine) {
        case (nil, nil): return nil
        case (let line?, nil), (nil, let line?): return line
        case (let first?, let second?): return first + second
        }
    }

    /// The line with `"dryRun": true` (the policy engine's records carry it already).
    static func markedDryRun(_ line: [UInt8]) -> [UInt8] {
        if containsMarker(line) { return line }
        guard let json = try? JSONValue(parsing: line), case .object(var members) = json, members["dryRun"] != .bool(true) else {
            return line
        }
        members["dryRun"] = .bool(true)
        var marked = JSONValue.object(members).renderedBytes()
        marked.append(0x0A)
        return marked
    }
}

extension ShadowedPolicyEnforcer {
    private static let marker = Array(#""dryRun":true"#.utf8)

    /// Whether the compact rendering already says `"dryRun":true`.
    static func containsMarker(_ line: [UInt8]) -> Bool {
        guard line.count >= marker.count else { return false }
        for start in 0...(line.count - marker.count) where line[start] == marker[0] {
            if line[start..<(start + marker.count)].elementsEqual(marker) { return true }
        }
        return false
    }
}

/// The enforced side of a gateway that has loaded only a dry-run policy: nothing is refused,
/// nothing is redacted, and it writes no audit record of its own (the dry-run policy does).
struct NothingEnforcedPolicyEnforcer: PolicyEnforcer {
    func checkConnection(clientIP: String?) -> PolicyDecision { .allow }
    func checkIdentity(_ origin: RequestOrigin) -> PolicyDecision { .allow }
    func checkToolCall(tool: String, arguments: JSONValue?, origin: RequestOrigin) -> PolicyDecision { .allow }
    func isToolVisible(_ tool: String, origin: RequestOrigin) -> Bool { true }
    func redact(toolResult: JSONValue) -> JSONValue { toolResult }
    func auditRecord(tool: String, arguments: JSONValue?, origin: RequestOrigin, decision: PolicyDecision,
                     latencyNanoseconds: UInt64) -> [UInt8]? { nil }
}
