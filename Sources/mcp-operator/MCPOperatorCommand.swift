import ArgumentParser
import Foundation
import KubeModel
import OperatorCore

/// `mcp-operator`: reconciles MCPServer and MCPPolicy resources. A thin entry point: the work
/// is in `OperatorApp`, which tests can build too.
@main
struct MCPOperatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcp-operator",
        abstract: "The Kubernetes operator for MCP servers: deploys, scales and isolates them behind a policy-enforcing gateway.")

    @Option(help: "Path to a kubeconfig; in-cluster or ~/.kube/config when not given.") var kubeconfig: String?
    @Option(help: "The kubeconfig context to use.") var context: String?
    @Option(name: .customLong("namespace"), help: "A namespace to watch (repeatable); every namespace when not given.")
    var namespaces: [String] = []
    @Flag(name: .customLong("leader-elect"), help: "Elect a leader through a Lease so only one replica reconciles.")
    var leaderElect = false
    @Option(name: .customLong("leader-election-namespace"), help: "The namespace of the Lease; the operator's own by default.")
    var leaderElectionNamespace: String?
    @Option(name: .customLong("metrics-bind-address"), help: "Where /metrics is served, HOST:PORT or :PORT; 0 disables it.")
    var metricsBindAddress = ":8080"
    @Option(name: .customLong("health-probe-bind-address"), help: "Where /healthz and /readyz are served.")
    var healthProbeBindAddress = ":8081"
    @Option(name: .customLong("max-concurrent-reconciles"), help: "Servers reconciled at once.") var maxConcurrentReconciles = 2
    @Option(name: .customLong("gateway-image"), help: "The gateway image for servers that name none.")
    var gatewayImage = "ghcr.io/mcp-operator/mcp-gateway:0.1.0"
    @Option(name: .customLong("gateway-image-pull-policy"),
            help: "The imagePullPolicy of every container that runs the gateway image: Always, IfNotPresent or Never.")
    var gatewayImagePullPolicy = ImagePullPolicy.ifNotPresent.rawValue
    @Option(name: .customLong("log-format"), help: "json or text.") var logFormat: LogFormat = .json
    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.") var logLevel = "info"

    func validate() throws {
        guard maxConcurrentReconciles >= 1 else { throw ValidationError("--max-concurrent-reconciles must be at least 1") }
        guard OperatorOptions.level(logLevel) != nil else { throw ValidationError("--log-level: unknown level \"\(logLevel)\"") }
        _ = try BindAddress(parsing: metricsBindAddress, flag: "--metrics-bind-address")
        _ = try BindAddress(parsing: healthProbeBindAddress, flag: "--health-probe-bind-address")
        _ = try OperatorOptions.pullPolicy(gatewayImagePullPolicy)
    }

    func run() async throws {
        let options = OperatorOptions(
            kubeconfig: kubeconfig, context: context, namespaces: namespaces, leaderElect: leaderElect,
            leaderElectionNamespace: leaderElectionNamespace, metricsBindAddress: metricsBindAddress,
            healthProbeBindAddress: healthProbeBindAddress, maxConcurrentReconciles: maxConcurrentReconciles,
            gatewayImage: gatewayImage, gatewayImagePullPolicy: (try? OperatorOptions.pullPolicy(gatewayImagePullPolicy)) ?? .ifNotPresent,
            logFormat: logFormat, logLevel: OperatorOptions.level(logLevel) ?? .info)
        do {
            try await OperatorApp.run(options)
        } catch let error as OperatorStartupError {
            FileHandle.standardError.write(Data("mcp-operator: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}

extension LogFormat: ExpressibleByArgument {}
