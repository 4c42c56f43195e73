import ControllerRuntime
import KubeClient
import Logging
import OperatorCore
import PolicyDistribution
import ServiceLifecycle

/// Live policy distribution in the operator process: the policy controllers on the manager, the
/// threat-intel feed cache (ConfigMap feeds read through the API), and one service running the
/// pusher's retries and verification and the feeds' refreshes.
enum PolicyWiring {
    /// Adds the policy controllers to `manager` and returns the service to run next to it.
    static func install(manager: Manager, servers: MCPServerController, settings: OperatorSettings,
                        logger: Logger) -> any ServiceLifecycle.Service {
        let feeds = ThreatFeedCache(configMaps: KubernetesConfigMapReader(client: manager.client), logger: logger)
        let controller = PolicyController(manager: manager, servers: servers, settings: settings,
                                          pusher: PolicyPusher(logger: logger), feeds: feeds, logger: logger)
        return PolicyDistributionService(controller: controller, feeds: feeds)
    }
}

/// Runs the pusher and the feed cache until graceful shutdown.
struct PolicyDistributionService: ServiceLifecycle.Service {
    let controller: PolicyController
    let feeds: ThreatFeedCache

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await controller.run() }
                group.addTask { await feeds.run() }
                await group.waitForAll()
            }
        }
    }
}
