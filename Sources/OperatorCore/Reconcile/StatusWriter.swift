import KubeClient

/// Writes a status through the status subresource: computes it from the object as read, writes
/// only when it differs, and on a conflict (someone else wrote the object meanwhile) reads the
/// object again and recomputes, up to `attempts` times.
enum StatusWriter {
    /// Writes `compute(object)` as `object`'s status when it changed; returns whether it wrote.
    @discardableResult
    static func write<R: KubernetesResource & Hashable>(_ object: R, client: KubernetesClient, attempts: Int = 5,
                                                        compute: (R) -> R) async throws -> Bool {
        var current = object
        for attempt in 1...attempts {
            let updated = compute(current)
            guard updated != current else { return false }
            do {
                _ = try await client.updateStatus(updated)
                return true
            } catch let error as KubernetesError where error.isConflict && attempt < attempts {
                current = try await client.get(R.self, name: object.metadata.name ?? "", namespace: object.metadata.namespace)
            }
        }
        return false
    }
}
