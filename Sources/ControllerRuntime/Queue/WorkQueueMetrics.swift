import Metrics

/// The work queue's metrics, named as client-go names them (`workqueue_*`, dimension `name`):
/// depth, adds, time waited in the queue, time spent processing, retries.
struct WorkQueueMetrics: Sendable {
    let depth: Gauge
    let adds: Counter
    let queueDuration: Metrics.Timer
    let workDuration: Metrics.Timer
    let retries: Counter

    init(name: String) {
        let dimensions = [("name", name)]
        depth = Gauge(label: "workqueue_depth", dimensions: dimensions)
        adds = Counter(label: "workqueue_adds_total", dimensions: dimensions)
        queueDuration = Metrics.Timer(label: "workqueue_queue_duration_seconds", dimensions: dimensions, preferredDisplayUnit: .seconds)
        workDuration = Metrics.Timer(label: "workqueue_work_duration_seconds", dimensions: dimensions, preferredDisplayUnit: .seconds)
        retries = Counter(label: "workqueue_retries_total", dimensions: dimensions)
    }
}

extension Metrics.Timer {
    /// Records a `Duration`.
    func record(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
