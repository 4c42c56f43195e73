import Foundation

/// One resource-usage sample of a container, as `/containers/{id}/stats` reports it, with the
/// numbers the docker CLI derives from it (`memoryUsedBytes`, `cpuPercent`). A stopped
/// container reports zeros and empty sections.
public struct ContainerStats: Sendable, Hashable, Decodable {
    /// When the sample was read (RFC 3339 text).
    public var read: String?
    /// When the previous sample was read.
    public var preread: String?
    /// The container's name, with a leading `/`.
    public var name: String?
    /// The container's ID.
    public var id: String?
    /// Process counts.
    public var pidsStats: PidsStats?
    /// Memory use.
    public var memoryStats: MemoryStats?
    /// CPU use now.
    public var cpuStats: CPUStats?
    /// CPU use at the previous sample.
    public var precpuStats: CPUStats?
    /// Interface name → traffic counters.
    public var networks: [String: NetworkStats]?

    /// Process counts.
    public struct PidsStats: Sendable, Hashable, Decodable {
        /// Processes now.
        public var current: Int64?
        /// The pids limit.
        public var limit: Int64?
    }

    /// Memory use, from the cgroup.
    public struct MemoryStats: Sendable, Hashable, Decodable {
        /// Bytes charged to the cgroup, page cache included.
        public var usage: UInt64?
        /// The highest `usage` seen (cgroup v1 only).
        public var maxUsage: UInt64?
        /// The memory limit in bytes (the host's memory when the container has none).
        public var limit: UInt64?
        /// The cgroup's detailed counters (`inactive_file`, `total_inactive_file`, `rss`, ...).
        public var stats: [String: UInt64]?
        /// How often the limit was hit (cgroup v1 only).
        public var failcnt: UInt64?

        enum CodingKeys: String, CodingKey { case usage, maxUsage = "max_usage", limit, stats, failcnt }
    }

    /// CPU use, from the cgroup, in nanoseconds of CPU time.
    public struct CPUStats: Sendable, Hashable, Decodable {
        /// The container's CPU time.
        public var cpuUsage: CPUUsage?
        /// The host's CPU time, all CPUs together.
        public var systemCpuUsage: UInt64?
        /// CPUs online on the host.
        public var onlineCpus: Int?

        enum CodingKeys: String, CodingKey { case cpuUsage = "cpu_usage", systemCpuUsage = "system_cpu_usage", onlineCpus = "online_cpus" }
    }

    /// The container's CPU time.
    public struct CPUUsage: Sendable, Hashable, Decodable {
        /// All CPU time used.
        public var totalUsage: UInt64?
        /// Per CPU (cgroup v1 only).
        public var percpuUsage: [UInt64]?

        enum CodingKeys: String, CodingKey { case totalUsage = "total_usage", percpuUsage = "percpu_usage" }
    }

    /// Traffic counters of one interface.
    public struct NetworkStats: Sendable, Hashable, Decodable {
        /// Bytes received.
        public var rxBytes: UInt64?
        /// Bytes sent.
        public var txBytes: UInt64?

        enum CodingKeys: String, CodingKey { case rxBytes = "rx_bytes", txBytes = "tx_bytes" }
    }

    enum CodingKeys: String, CodingKey {
        case read, preread, name, id, networks
        case pidsStats = "pids_stats", memoryStats = "memory_stats", cpuStats = "cpu_stats", precpuStats = "precpu_stats"
    }

    /// Memory in use without the inactive page cache, as `docker stats` shows it; nil when the
    /// sample has none (a stopped container).
    public var memoryUsedBytes: UInt64? {
        guard let memory = memoryStats, let usage = memory.usage else { return nil }
        let stats = memory.stats ?? [:]
        if let inactive = stats["total_inactive_file"], inactive < usage { return usage - inactive }  // cgroup v1
        if let inactive = stats["inactive_file"], inactive < usage { return usage - inactive }  // cgroup v2
        return usage
    }

    /// The memory limit in bytes; nil when the sample has none.
    public var memoryLimitBytes: UInt64? { memoryStats?.limit }

    /// CPU use since the previous sample, in percent of one CPU (200 is two CPUs busy), computed
    /// like `docker stats`: the container's CPU-time delta over the host's, times the CPUs online.
    public var cpuPercent: Double {
        guard let now = cpuStats, let before = precpuStats,
              let total = now.cpuUsage?.totalUsage, let system = now.systemCpuUsage else { return 0 }
        let cpuDelta = Double(total) - Double(before.cpuUsage?.totalUsage ?? 0)
        let systemDelta = Double(system) - Double(before.systemCpuUsage ?? 0)
        var cpus = Double(now.onlineCpus ?? 0)
        if cpus == 0 { cpus = Double(now.cpuUsage?.percpuUsage?.count ?? 0) }
        guard systemDelta > 0, cpuDelta > 0 else { return 0 }
        return cpuDelta / systemDelta * cpus * 100
    }
}
