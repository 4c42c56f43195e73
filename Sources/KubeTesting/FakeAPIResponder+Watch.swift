import Foundation
import Hummingbird
import KubeClient
import NIOCore

extension FakeAPIResponder {
    /// A watch: a 200 response whose chunked body streams one JSON event per line, each flushed
    /// as it happens, with bookmarks every `bookmarkInterval` when allowed, until `timeoutSeconds`,
    /// `closeAllWatches()`, server shutdown or the client going away.
    func watch(_ type: ResourceType, namespace: String?, query: [String: String], name: String?) throws(FakeAPIError) -> Response {
        var list = try listOptions(type, query)
        if let name {
            list.fieldSelector.terms.append(.init(path: ["metadata", "name"], value: name, negated: false))
        }
        var options = WatchOptions(resourceVersion: query["resourceVersion"], labelSelector: list.labelSelector,
                                   fieldSelector: list.fieldSelector)
        options.allowWatchBookmarks = query["allowWatchBookmarks"] == "true" || query["allowWatchBookmarks"] == "1"
        options.sendInitialEvents = query["sendInitialEvents"].map { $0 == "true" || $0 == "1" }
        var timeoutSeconds = 0
        if let text = query["timeoutSeconds"] {
            guard let seconds = Int(text), seconds >= 0 else { throw .badRequest("invalid timeoutSeconds: \(text)") }
            timeoutSeconds = seconds
        }
        let timeout: Duration? = timeoutSeconds > 0 ? .seconds(timeoutSeconds) : nil
        let subscription = try store.watch(type, namespace: namespace, options: options)
        let store = self.store
        let bookmarks = options.allowWatchBookmarks
        let body = ResponseBody { writer in
            let timer = Task {
                let clock = ContinuousClock()
                let deadline = timeout.map { clock.now + $0 }
                while !Task.isCancelled {
                    var pause = bookmarks ? store.bookmarkInterval : .seconds(3600)
                    if let deadline { pause = min(pause, deadline - clock.now) }
                    if pause > .zero { try? await Task.sleep(for: pause) }
                    if Task.isCancelled { return }
                    if let deadline, clock.now >= deadline {
                        store.endWatch(subscription.id)
                        return
                    }
                    if bookmarks, !store.sendBookmark(subscription.id) { return }
                }
            }
            defer {
                timer.cancel()
                store.endWatch(subscription.id)
            }
            for await frame in subscription.frames {
                try await writer.write(ByteBuffer(string: frame.line))
            }
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "application/json"], body: body)
    }
}
