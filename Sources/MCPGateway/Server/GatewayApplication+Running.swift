import Logging
import ServiceLifecycle

extension GatewayApplication {
    /// Runs the gateway in a `ServiceGroup` for the duration of `body`, then shuts it down
    /// gracefully and waits for it to stop. Tests and embedders use this instead of signals.
    public func withRunning<Result: Sendable>(_ body: @Sendable (GatewayApplication) async throws -> Result) async throws -> Result {
        let group = ServiceGroup(configuration: .init(services: [self], logger: logger))
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            do {
                _ = await mainPort()
                _ = await adminPort()
                let result = try await body(self)
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
                return result
            } catch {
                await group.triggerGracefulShutdown()
                try? await tasks.waitForAll()
                throw error
            }
        }
    }
}
