import ControllerRuntime
import Foundation
import Hummingbird
import KubeClient
import Logging
import Metrics
import OperatorCore
import Prometheus
import ServiceLifecycle

/// The operator process: its client, manager, controller, probe and metrics servers, wired
/// into one `ServiceGroup` that shuts down gracefully on SIGTERM and SIGINT.
enum OperatorApp {
    /// The registry /metrics renders; swift-metrics is bootstrapped onto it once per process.
    static let registry = PrometheusCollectorRegistry()
    private static let bootstrapMetrics: Void = {
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
    }()

    /// Bootstraps logging and metrics, builds the services and runs them until shutdown.
    static func run(_ options: OperatorOptions) async throws {
        let format = options.logFormat
        let level = options.logLevel
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler = format == .json ? JSONLogHandler(label: label) : StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        _ = bootstrapMetrics
        let logger = Logger(label: "mcp-operator")
        let group = try build(options, logger: logger)
        try await group.run()
    }

    /// Builds the operator's services: everything but bootstrapping the process-wide systems.
    static func build(_ options: OperatorOptions, logger: Logger,
                      environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ServiceGroup {
        let configuration: ClientConfiguration
        do {
            configuration = try KubeConfigLoader.load(.init(explicitPath: options.kubeconfig, context: options.context,
                                                            environment: environment))
        } catch {
            throw OperatorStartupError.configuration(error)
        }
        let client = KubernetesClient(configuration: configuration, logger: logger, observer: APIRequestMetrics.record)
        let ownNamespace = environment["POD_NAMESPACE"] ?? configuration.namespace
        let identity = environment["POD_NAME"] ?? LeaderElectionConfiguration.defaultIdentity()
        let election = options.leaderElect
            ? LeaderElectionConfiguration(leaseName: "mcp-operator-leader", namespace: options.leaderElectionNamespace ?? ownNamespace,
                                          identity: identity)
            : nil
        let manager = Manager(client: client, configuration: ManagerConfiguration(leaderElection: election), logger: logger)
        let settings = OperatorSettings(
            namespaces: options.namespaces, maxConcurrentReconciles: options.maxConcurrentReconciles,
            planner: PlannerOptions(gatewayImage: options.gatewayImage, gatewayImagePullPolicy: options.gatewayImagePullPolicy,
                                    operatorNamespace: ownNamespace),
            reportingInstance: identity)
        let controller = MCPServerController(manager: manager, settings: settings, logger: logger)
        logger.info("starting", metadata: [
            "server": "\(configuration.server)", "namespaces": "\(options.namespaces.isEmpty ? "all" : options.namespaces.joined(separator: ","))",
            "leaderElection": "\(options.leaderElect)",
        ])

        var services: [any ServiceLifecycle.Service] = [manager, CacheSyncWatchdog(controller: controller, logger: logger)]
        services.append(PolicyWiring.install(manager: manager, servers: controller, settings: settings, logger: logger))
        let probes = try BindAddress(parsing: options.healthProbeBindAddress, flag: "--health-probe-bind-address")
        if !probes.isDisabled {
            services.append(ProbeRoutes.healthApplication(manager: manager, controller: controller, address: probes, logger: logger))
        }
        let metrics = try BindAddress(parsing: options.metricsBindAddress, flag: "--metrics-bind-address")
        if !metrics.isDisabled {
            services.append(ProbeRoutes.metricsApplication(registry: registry, address: metrics, logger: logger))
        }
        var group = ServiceGroupConfiguration(
            services: services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0, successTerminationBehavior: .gracefullyShutdownGroup,
                                                                                   failureTerminationBehavior: .gracefullyShutdownGroup) },
            gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        // Within the pod's 30 s termination grace period: drain for up to 20 s, then cancel; a
        // part that ignores cancellation ends the process after 5 s more rather than hang.
        group.maximumGracefulShutdownDuration = .seconds(20)
        group.maximumCancellationDuration = .seconds(5)
        return ServiceGroup(configuration: group)
    }
}

/// API request metrics from the client's observer, as client-go names them.
enum APIRequestMetrics {
    @Sendable static func record(_ request: KubernetesClient.RequestRecord) {
        let code = request.code.map(String.init) ?? "<error>"
        Counter(label: "rest_client_requests_total", dimensions: [("verb", request.method), ("code", code)]).increment()
        Metrics.Timer(label: "rest_client_request_duration_seconds", dimensions: [("verb", request.method)],
                      preferredDisplayUnit: .seconds).recordNanoseconds(nanoseconds(request.duration))
    }

    private static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
