import KubeModel
import OperatorAPI

extension PlanContext {
    /// An autoscaling/v2 HPA on the server Deployment when `spec.autoscaling` is set, with a
    /// resource-utilization metric per target given (none: the HPA's default, 80 % CPU).
    func autoscaler() -> HorizontalPodAutoscaler? {
        guard let autoscaling = spec.autoscaling else { return nil }
        var metrics: [MetricSpec] = []
        if let cpu = autoscaling.targetCPUUtilizationPercentage {
            metrics.append(MetricSpec(type: "Resource", resource: ResourceMetricSource(
                name: "cpu", target: MetricTarget(type: "Utilization", averageUtilization: cpu))))
        }
        if let memory = autoscaling.targetMemoryUtilizationPercentage {
            metrics.append(MetricSpec(type: "Resource", resource: ResourceMetricSource(
                name: "memory", target: MetricTarget(type: "Utilization", averageUtilization: memory))))
        }
        return HorizontalPodAutoscaler(
            metadata: metadata(naming.workload, component: OperatorLabels.serverComponent),
            spec: HorizontalPodAutoscalerSpec(
                scaleTargetRef: CrossVersionObjectReference(apiVersion: "apps/v1", kind: "Deployment", name: naming.workload),
                minReplicas: autoscaling.minReplicas ?? 1, maxReplicas: autoscaling.maxReplicas,
                metrics: metrics.isEmpty ? nil : metrics))
    }

    /// A PDB allowing one server pod down at a time, when more than one replica may run
    /// (`replicas > 1`, or autoscaling with `maxReplicas > 1`): with a single replica a PDB
    /// would block node drains for good.
    func disruptionBudget() -> PodDisruptionBudget? {
        let multiple: Bool
        if let autoscaling = spec.autoscaling {
            multiple = autoscaling.maxReplicas > 1
        } else {
            multiple = (spec.replicas ?? 1) > 1
        }
        guard multiple else { return nil }
        return PodDisruptionBudget(
            metadata: metadata(naming.workload, component: OperatorLabels.serverComponent),
            spec: PodDisruptionBudgetSpec(maxUnavailable: 1,
                                          selector: LabelSelector(matchLabels: naming.selector(component: OperatorLabels.serverComponent))))
    }
}
