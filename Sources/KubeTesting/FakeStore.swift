import Foundation
import KubeClient

/// The thread-safe store behind the fake server: a `StoreCore` under a lock, plus the open
/// watches. Every write runs the garbage collector and then hands its events to the watches
/// while still holding the lock, so each watch sees events exactly once and in order.
final class FakeStore: @unchecked Sendable {
    private let lock = NSLock()
    private var core: StoreCore
    private var watchers: [Int: Watcher] = [:]
    private var nextWatcherID = 0
    private var bookmarkIntervalValue: Duration
    private var pendingGarbage: [String] = []

    /// An open watch.
    struct Watcher {
        var typeKey: String
        var namespace: String?
        var labels: LabelSelector
        var fields: FieldSelector
        var bookmarks: Bool
        var kind: String
        var apiVersion: String
        var continuation: AsyncStream<WatchFrame>.Continuation
    }

    init(historyLimit: Int = 1000, bookmarkInterval: Duration = .seconds(1), now: @escaping @Sendable () -> Date = { Date() }) {
        core = StoreCore(historyLimit: historyLimit, now: now)
        bookmarkIntervalValue = bookmarkInterval
    }

    func withLock<R, E: Error>(_ body: () throws(E) -> R) throws(E) -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    /// Runs a write on the core, then garbage collection, then delivers the events. A dry run
    /// answers as the write would and leaves the store as it was.
    func write<R>(dryRun: Bool = false, _ body: (inout StoreCore) throws(FakeAPIError) -> R) throws(FakeAPIError) -> R {
        try withLock { () throws(FakeAPIError) -> R in
            let saved = dryRun ? core : nil
            do throws(FakeAPIError) {
                let result = try body(&core)
                if let saved {
                    core = saved
                } else {
                    core.collectGarbage()
                    publishLocked()
                }
                return result
            } catch {
                if let saved { core = saved } else { publishLocked() }
                throw error
            }
        }
    }

    /// Reads the core.
    func read<R>(_ body: (StoreCore) throws(FakeAPIError) -> R) throws(FakeAPIError) -> R {
        try withLock { () throws(FakeAPIError) -> R in try body(core) }
    }

    /// Reads the core with no failure.
    func inspect<R>(_ body: (StoreCore) -> R) -> R {
        withLock { body(core) }
    }

    /// The interval between bookmarks on watches that allow them.
    var bookmarkInterval: Duration {
        get { withLock { bookmarkIntervalValue } }
        set { withLock { bookmarkIntervalValue = newValue } }
    }

    /// Changes how many events the history keeps (dropping the oldest now if needed).
    func setHistoryLimit(_ limit: Int) {
        withLock {
            core.historyLimit = limit
            core.trimHistory()
        }
    }

    /// Drops the whole history.
    func compactHistory() {
        withLock { core.compactHistory() }
    }

    // MARK: Watches

    private func publishLocked() {
        for event in core.takeUnpublished() {
            for (id, watcher) in watchers {
                guard let frame = FakeStore.frame(for: event, watcher: watcher) else { continue }
                if case .terminated = watcher.continuation.yield(frame) { watchers.removeValue(forKey: id) }
            }
        }
    }

    /// Opens a watch. Returns its id and frames; the frames end when the watch is closed.
    func watch(_ type: ResourceType, namespace: String?, options: WatchOptions) throws(FakeAPIError) -> (id: Int, frames: AsyncStream<WatchFrame>) {
        let (stream, continuation) = AsyncStream.makeStream(of: WatchFrame.self)
        return try withLock { () throws(FakeAPIError) -> (id: Int, frames: AsyncStream<WatchFrame>) in
            let registration = try core.registration(type)
            nextWatcherID += 1
            let id = nextWatcherID
            let watcher = Watcher(
                typeKey: registration.key, namespace: registration.type.namespaced ? namespace : nil,
                labels: options.labelSelector, fields: options.fieldSelector, bookmarks: options.allowWatchBookmarks,
                kind: type.kind, apiVersion: type.apiVersion, continuation: continuation)
            for text in pendingGarbage { continuation.yield(.garbage(text)) }
            pendingGarbage.removeAll()
            let version = options.resourceVersion ?? ""
            let initial = options.sendInitialEvents ?? (version.isEmpty || version == "0")
            if initial {
                for object in core.allObjects(registration) where FakeStore.matches(object, watcher) {
                    continuation.yield(WatchFrame(type: "ADDED", object: object))
                }
                if options.sendInitialEvents == true, options.allowWatchBookmarks {
                    continuation.yield(bookmarkFrame(watcher, annotations: ["k8s.io/initial-events-end": "true"]))
                }
            } else if !version.isEmpty {
                guard let start = Int(version) else {
                    throw .badRequest("resourceVersion: Invalid value: \"\(version)\": strconv.ParseUint: parsing \"\(version)\": invalid syntax")
                }
                if start < core.compactedThrough {
                    let status = FakeAPIError.expired("too old resource version: \(start) (\(core.compactedThrough))")
                    continuation.yield(WatchFrame(type: "ERROR", object: status.json))
                    continuation.finish()
                    return (id, stream)
                }
                for event in core.events(after: start) {
                    if let frame = FakeStore.frame(for: event, watcher: watcher) { continuation.yield(frame) }
                }
            }
            watchers[id] = watcher
            return (id, stream)
        }
    }

    /// Sends a bookmark on a watch that allows them; false when the watch is gone.
    @discardableResult
    func sendBookmark(_ id: Int) -> Bool {
        withLock {
            guard let watcher = watchers[id] else { return false }
            if watcher.bookmarks, case .terminated = watcher.continuation.yield(bookmarkFrame(watcher, annotations: [:])) {
                watchers.removeValue(forKey: id)
                return false
            }
            return true
        }
    }

    /// Sends `text` as a line on every open watch, or on the next watch to open when none is.
    func injectGarbage(_ text: String) {
        withLock {
            if watchers.isEmpty {
                pendingGarbage.append(text)
            } else {
                for watcher in watchers.values { watcher.continuation.yield(.garbage(text)) }
            }
        }
    }

    /// Ends one watch (its stream finishes cleanly).
    func endWatch(_ id: Int) {
        let watcher = withLock { watchers.removeValue(forKey: id) }
        watcher?.continuation.finish()
    }

    /// Ends every open watch, as an API server restart would.
    func closeAllWatches() {
        let all = withLock {
            defer { watchers.removeAll() }
            return Array(watchers.values)
        }
        for watcher in all { watcher.continuation.finish() }
    }

    /// How many watches are open.
    var watchCount: Int { withLock { watchers.count } }

    private func bookmarkFrame(_ watcher: Watcher, annotations: [String: String]) -> WatchFrame {
        var metadata: [String: JSONValue] = ["resourceVersion": .string(String(core.resourceVersion))]
        if !annotations.isEmpty { metadata["annotations"] = .object(annotations.mapValues(JSONValue.string)) }
        return WatchFrame(type: "BOOKMARK", object: .object([
            "kind": .string(watcher.kind), "apiVersion": .string(watcher.apiVersion), "metadata": .object(metadata),
        ]))
    }

    private static func matches(_ object: JSONValue, _ watcher: Watcher) -> Bool {
        if let namespace = watcher.namespace, object.metadataNamespace != namespace { return false }
        return watcher.labels.matches(object.metadataLabels) && watcher.fields.matches(object)
    }

    /// What a watch sees of an event, as the watch cache computes it: a modification that moves an
    /// object into the selection is ADDED, out of it DELETED (previous content, the event's version).
    static func frame(for event: StoredEvent, watcher: Watcher) -> WatchFrame? {
        guard event.typeKey == watcher.typeKey else { return nil }
        let current = matches(event.object, watcher)
        switch event.kind {
        case .added:
            return current ? WatchFrame(type: "ADDED", object: event.object) : nil
        case .deleted:
            return current ? WatchFrame(type: "DELETED", object: event.object) : nil
        case .modified:
            let before = event.previous.map { matches($0, watcher) } ?? false
            switch (before, current) {
            case (true, true): return WatchFrame(type: "MODIFIED", object: event.object)
            case (false, true): return WatchFrame(type: "ADDED", object: event.object)
            case (true, false):
                var previous = event.previous ?? event.object
                previous.setMetadata("resourceVersion", .string(String(event.resourceVersion)))
                return WatchFrame(type: "DELETED", object: previous)
            case (false, false): return nil
            }
        }
    }
}

/// The query parameters of a watch.
struct WatchOptions: Sendable, Hashable {
    /// `?resourceVersion=`: empty or `0` starts with synthetic ADDED events for current objects.
    var resourceVersion: String?
    var labelSelector: LabelSelector = .everything
    var fieldSelector: FieldSelector = .everything
    var allowWatchBookmarks = false
    /// `?sendInitialEvents=`: when true, current objects come as ADDED, then a bookmark annotated
    /// `k8s.io/initial-events-end` (with bookmarks allowed).
    var sendInitialEvents: Bool?
}
