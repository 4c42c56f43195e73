import Metrics

/// A controller's metrics, named as controller-runtime names them (dimension `controller`):
/// reconciles by result, errors, reconcile duration, active workers.
struct ControllerMetrics: Sendable {
    let success: Counter
    let error: Counter
    let requeue: Counter
    let requeueAfter: Counter
    let errors: Counter
    let duration: Metrics.Timer
    let activeWorkers: Meter

    init(controller: String) {
        func total(_ result: String) -> Counter {
            Counter(label: "controller_runtime_reconcile_total", dimensions: [("controller", controller), ("result", result)])
        }
        success = total("success")
        error = total("error")
        requeue = total("requeue")
        requeueAfter = total("requeue_after")
        errors = Counter(label: "controller_runtime_reconcile_errors_total", dimensions: [("controller", controller)])
        duration = Metrics.Timer(label: "controller_runtime_reconcile_time_seconds", dimensions: [("controller", controller)],
                                 preferredDisplayUnit: .seconds)
        activeWorkers = Meter(label: "controller_runtime_active_workers", dimensions: [("controller", controller)])
    }

    func record(_ result: ReconcileResult) {
        switch result {
        case .done: success.increment()
        case .requeue: requeue.increment()
        case .requeueAfter: requeueAfter.increment()
        }
    }
}
