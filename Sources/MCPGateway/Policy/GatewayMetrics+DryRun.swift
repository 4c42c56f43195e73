import Prometheus

extension GatewayMetrics {
    /// Counts one would-be decision of the dry-run policy, by stage, decision and rule, in
    /// `mcp_gateway_policy_dry_run_decisions_total` (the enforced policy's decisions are in
    /// `mcp_gateway_policy_decisions_total`).
    public func recordDryRunDecision(_ decision: PolicyDecision, stage: String) {
        let kind: String
        switch decision {
        case .allow: kind = "allow"
        case .deny: kind = "deny"
        case .rateLimited: kind = "rate_limited"
        }
        let descriptor = MetricNameDescriptor(namespace: "mcp_gateway", metricName: "policy_dry_run_decisions", unitName: "total",
                                              helpText: "Would-be decisions of the dry-run policy by stage, decision and rule; none is enforced.")
        registry.makeCounter(descriptor: descriptor, labels: [("stage", stage), ("decision", kind), ("rule", decision.ruleLabel)]).increment()
    }
}
