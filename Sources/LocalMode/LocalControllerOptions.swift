import ControllerRuntime
import Foundation
import PolicyDistribution

/// How a `LocalController` runs.
public struct LocalControllerOptions: Sendable {
    /// What the plans share: the gateway image, name prefix, instance label, plugin limits.
    public var plan: LocalPlanOptions
    /// How often the store's change counter is read.
    public var pollInterval: Duration
    /// Every server is looked at again this often (status, stats, policy verification).
    public var resyncInterval: Duration
    /// While a server is not ready, it is looked at again this often.
    public var progressInterval: Duration
    /// How often plugin containers' memory and CPU use is sampled.
    public var statsInterval: Duration
    /// The restart backoff of containers that keep exiting.
    public var restartBackoff: RestartTracker.Configuration
    /// Servers reconciled concurrently.
    public var workers: Int
    /// Where gateway admin tokens are kept (default: `gateway-tokens` in the store's directory).
    public var tokenDirectory: String?
    /// The policy pusher's timeouts, retries and verification interval.
    public var pusher: PolicyPusher.Configuration

    public init(plan: LocalPlanOptions = LocalPlanOptions(), pollInterval: Duration = .milliseconds(100),
                resyncInterval: Duration = .seconds(15), progressInterval: Duration = .milliseconds(250),
                statsInterval: Duration = .seconds(10), restartBackoff: RestartTracker.Configuration = .init(), workers: Int = 2,
                tokenDirectory: String? = nil, pusher: PolicyPusher.Configuration = .init()) {
        self.plan = plan
        self.pollInterval = pollInterval
        self.resyncInterval = resyncInterval
        self.progressInterval = progressInterval
        self.statsInterval = statsInterval
        self.restartBackoff = restartBackoff
        self.workers = workers
        self.tokenDirectory = tokenDirectory
        self.pusher = pusher
    }
}
