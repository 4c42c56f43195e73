import NIOConcurrencyHelpers
import Prometheus

/// The gateway's Prometheus metrics, in a registry of its own so several gateways can run in one
/// process (tests). Labels carry only bounded values: methods from a fixed set, rule names from the
/// policy, upstream names from the configuration.
public final class GatewayMetrics: Sendable {
    /// The registry `/metrics` renders.
    public let registry = PrometheusCollectorRegistry()
    private let sessionsGauge: Gauge
    private let policyVersion = NIOLockedValueBox<(gauge: Gauge, version: String)?>(nil)

    private static let knownMethods: Set<String> = [
        "initialize", "ping", "tools/list", "tools/call", "resources/list", "resources/read",
        "resources/templates/list", "resources/subscribe", "resources/unsubscribe", "prompts/list",
        "prompts/get", "completion/complete", "logging/setLevel",
    ]
    private static let latencyBuckets: [Duration] = [
        .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2),
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
        .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(5), .seconds(10),
    ]

    /// Fresh metrics.
    public init() {
        sessionsGauge = registry.makeGauge(descriptor: Self.name("sessions", unit: "", help: "Open client sessions."))
    }

    private static func name(_ metric: String, unit: String, help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "mcp_gateway", metricName: metric, unitName: unit, helpText: help)
    }

    private static func methodLabel(_ method: String) -> String {
        knownMethods.contains(method) ? method : "other"
    }

    /// Counts one client request and records its latency.
    public func recordRequest(method: String, outcome: String, duration: Duration) {
        let method = Self.methodLabel(method)
        registry.makeCounter(descriptor: Self.name("requests", unit: "total", help: "Client JSON-RPC requests by method and outcome."),
                             labels: [("method", method), ("outcome", outcome)]).increment()
        registry.makeDurationHistogram(descriptor: Self.name("request_duration", unit: "seconds", help: "Client request latency through the gateway."),
                                       labels: [("method", method)], buckets: Self.latencyBuckets).record(duration)
    }

    /// Counts one policy decision.
    public func recordDecision(_ decision: PolicyDecision, stage: String) {
        let kind: String
        switch decision {
        case .allow: kind = "allow"
        case .deny: kind = "deny"
        case .rateLimited: kind = "rate_limited"
        }
        registry.makeCounter(descriptor: Self.name("policy_decisions", unit: "total", help: "Policy decisions by stage, decision and rule."),
                             labels: [("stage", stage), ("decision", kind), ("rule", decision.ruleLabel)]).increment()
    }

    /// Records whether the upstream `name` (`main` or a plugin) is usable.
    public func setUpstreamUp(_ name: String, _ up: Bool) {
        registry.makeGauge(descriptor: Self.name("upstream_up", unit: "", help: "1 when the upstream initialized, 0 when it failed."),
                           labels: [("upstream", name)]).set(to: up ? 1.0 : 0.0)
    }

    /// Counts an upstream failure.
    public func recordUpstreamFailure(_ name: String, reason: String) {
        registry.makeCounter(descriptor: Self.name("upstream_failures", unit: "total", help: "Upstream starts or connections that failed."),
                             labels: [("upstream", name), ("reason", reason)]).increment()
    }

    /// Counts a session that was refused (`limit`: the gateway held its maximum).
    public func recordSessionRejected(reason: String) {
        registry.makeCounter(descriptor: Self.name("sessions_rejected", unit: "total", help: "New sessions refused, by reason."),
                             labels: [("reason", reason)]).increment()
    }

    /// Sets the number of open sessions.
    public func setSessions(_ count: Int) { sessionsGauge.set(to: Double(count)) }

    /// Records the policy version in force as the `version` label of `mcp_gateway_policy_info`.
    public func setPolicyVersion(_ version: String) {
        let descriptor = Self.name("policy_info", unit: "", help: "1 for the policy version in force.")
        policyVersion.withLockedValue { current in
            if let current { registry.unregisterGauge(current.gauge) }
            let gauge = registry.makeGauge(descriptor: descriptor, labels: [("version", version)])
            gauge.set(to: 1.0)
            current = (gauge, version)
        }
    }

    /// The Prometheus text exposition of every metric.
    public func render() -> [UInt8] { registry.emitToBuffer() }
}
