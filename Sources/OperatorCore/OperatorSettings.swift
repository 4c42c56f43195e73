import OperatorAPI

/// How the operator runs: what it watches and how it reconciles.
public struct OperatorSettings: Sendable {
    /// The namespaces to watch; empty watches every namespace.
    public var namespaces: [String]
    /// Reconciles of different servers run concurrently up to this many.
    public var maxConcurrentReconciles: Int
    /// Every server is reconciled again this often (nil: never), correcting drift no event showed.
    public var resyncPeriod: Duration?
    /// The planner's settings (gateway image, operator namespace, field manager, cluster domain).
    public var planner: PlannerOptions
    /// The `reportingInstance` of Events (the pod name in-cluster).
    public var reportingInstance: String

    /// Settings; the defaults watch every namespace with two workers.
    public init(namespaces: [String] = [], maxConcurrentReconciles: Int = 2, resyncPeriod: Duration? = .seconds(600),
                planner: PlannerOptions = PlannerOptions(), reportingInstance: String = "mcp-operator") {
        self.namespaces = namespaces
        self.maxConcurrentReconciles = maxConcurrentReconciles
        self.resyncPeriod = resyncPeriod
        self.planner = planner
        self.reportingInstance = reportingInstance
    }
}
