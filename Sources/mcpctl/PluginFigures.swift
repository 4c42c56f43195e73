import Foundation
import KubeModel

/// What the controller reported of a server's plugins (`status.plugins`): readiness, restarts,
/// OOM kills, memory and CPU, read from the status JSON so that fields the controller adds to the
/// operator's `PluginStatus` (`oomKills`, `memoryBytes`, `memoryLimitBytes`, `cpuMillicores`,
/// `state`, `lastExitCode`) are shown when present.
struct PluginFigures {
    struct Plugin {
        var name: String
        var ready: Bool
        var state: String?
        var restarts: Int
        var oomKills: Int?
        var lastExitReason: String?
        var lastExitCode: Int?
        var memoryBytes: Int64?
        var memoryLimitBytes: Int64?
        var cpuMillicores: Int64?
        var container: String?
    }

    var plugins: [Plugin]

    init(_ status: JSONValue?) {
        plugins = (status?["plugins"]?.arrayValue ?? []).map { item in
            Plugin(name: item["name"]?.stringValue ?? "?", ready: item["ready"]?.boolValue ?? false, state: item["state"]?.stringValue,
                   restarts: item["restarts"]?.intValue ?? 0, oomKills: item["oomKills"]?.intValue,
                   lastExitReason: item["lastExitReason"]?.stringValue, lastExitCode: item["lastExitCode"]?.intValue,
                   memoryBytes: item["memoryBytes"]?.intValue.map(Int64.init), memoryLimitBytes: item["memoryLimitBytes"]?.intValue.map(Int64.init),
                   cpuMillicores: item["cpuMillicores"]?.intValue.map(Int64.init), container: item["container"]?.stringValue)
        }
    }

    /// PLUGINS, RESTARTS, OOM, MEMORY, CPU cells of `get -o wide`.
    var cells: [String] {
        guard !plugins.isEmpty else { return ["0/0", "0", "0", "<none>", "<none>"] }
        let ready = plugins.filter(\.ready).count
        let restarts = plugins.map(\.restarts).reduce(0, +)
        let oom = plugins.compactMap(\.oomKills).reduce(0, +)
        let memory = plugins.compactMap(\.memoryBytes)
        let cpu = plugins.compactMap(\.cpuMillicores)
        return ["\(ready)/\(plugins.count)", "\(restarts)", "\(oom)",
                memory.isEmpty ? "<none>" : formatBytes(memory.reduce(0, +)),
                cpu.isEmpty ? "<none>" : "\(cpu.reduce(0, +))m"]
    }
}

/// Bytes as Kubernetes quantities: `512Ki`, `12Mi`, `1.5Gi`.
func formatBytes(_ bytes: Int64) -> String {
    let units: [(String, Int64)] = [("Gi", 1 << 30), ("Mi", 1 << 20), ("Ki", 1 << 10)]
    for (unit, size) in units where bytes >= size {
        let value = Double(bytes) / Double(size)
        return value >= 10 || value.rounded() == value ? "\(Int(value.rounded()))\(unit)" : String(format: "%.1f", value) + unit
    }
    return "\(bytes)"
}
