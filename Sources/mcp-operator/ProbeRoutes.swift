import ControllerRuntime
import Hummingbird
import Logging
import OperatorCore
import Prometheus
import ServiceLifecycle

/// The operator's HTTP endpoints: `/healthz` and `/readyz` on the probe address, `/metrics` on
/// the metrics address.
enum ProbeRoutes {
    /// `/healthz`: the process serves. `/readyz`: every cache has synced (a cache that cannot
    /// list — such as for a missing RBAC permission — keeps the operator not ready, and the
    /// answer names it with its last error).
    static func healthApplication(manager: Manager, controller: MCPServerController, address: BindAddress,
                                  logger: Logger) -> some ServiceLifecycle.Service {
        let router = Router()
        router.get("/healthz") { _, _ in "ok" }
        router.get("/readyz") { _, _ -> Response in
            let unsynced = controller.unsyncedCaches
            guard manager.cachesSynced, unsynced.isEmpty else {
                let lines = unsynced.map { "cache \($0.name) not synced" + ($0.lastError.map { ": \($0)" } ?? "") }
                return text(.serviceUnavailable, (["not ready"] + lines).joined(separator: "\n") + "\n")
            }
            return text(.ok, "ok\n")
        }
        return Application(router: router, configuration: .init(address: .hostname(address.host, port: address.port)), logger: logger)
    }

    /// `/metrics` in the Prometheus text format.
    static func metricsApplication(registry: PrometheusCollectorRegistry, address: BindAddress, logger: Logger) -> some ServiceLifecycle.Service {
        let router = Router()
        router.get("/metrics") { _, _ -> Response in
            var buffer = ByteBuffer()
            buffer.writeBytes(registry.emitToBuffer())
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: ResponseBody(byteBuffer: buffer))
        }
        return Application(router: router, configuration: .init(address: .hostname(address.host, port: address.port)), logger: logger)
    }

    private static func text(_ status: HTTPResponse.Status, _ body: String) -> Response {
        Response(status: status, headers: [.contentType: "text/plain; charset=utf-8"],
                 body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }
}
