extension GatewaySession {
    /// Lists every tool of the main server and the plugins (plugin tools prefixed), then keeps the
    /// ones the policy lets `origin` see. A plugin that fails is left out; the main server failing
    /// fails the list.
    func listTools(origin: RequestOrigin, enforcer: any PolicyEnforcer) async -> Result<JSONValue, JSONRPCError> {
        let mainHasTools = await main.initializeResult?["capabilities"]?["tools"] != nil
        var merged: [JSONValue] = []
        if mainHasTools || plugins.isEmpty {
            switch await allTools(of: main) {
            case .success(let tools): merged += tools
            case .failure(let error): return .failure(error)
            }
        }
        for name in routing.pluginNames {
            guard let plugin = plugins[name], !downPlugins.contains(name) else { continue }
            switch await allTools(of: plugin) {
            case .success(let tools):
                merged += tools.compactMap { tool -> JSONValue? in
                    guard let toolName = tool["name"]?.stringValue else { return nil }
                    var renamed = tool
                    renamed["name"] = .string(routing.exposedName(plugin: name, tool: toolName))
                    return renamed
                }
            case .failure(let error):
                logger.warning("plugin tools/list failed", metadata: ["plugin": "\(name)", "error": "\(error)"])
            }
        }
        listedTools = merged
        listOrigin = origin
        let visible = merged.filter { tool in
            guard let name = tool["name"]?.stringValue else { return false }
            return enforcer.isToolVisible(name, origin: origin)
        }
        visibleTools = Set(visible.compactMap { $0["name"]?.stringValue })
        return .success(["tools": .array(visible)])
    }

    private func allTools(of upstream: UpstreamConnection) async -> Result<[JSONValue], JSONRPCError> {
        var tools: [JSONValue] = []
        var cursor: JSONValue?
        for _ in 0..<100 {
            let params: JSONValue? = cursor.map { ["cursor": $0] }
            switch await upstream.call(method: "tools/list", params: params) {
            case .success(let result):
                tools += result["tools"]?.arrayValue ?? []
                guard let next = result["nextCursor"], !next.isNull else { return .success(tools) }
                cursor = next
            case .failure(let error):
                return .failure(error)
            }
        }
        return .success(tools)
    }

    /// Checks a call against the policy, routes it by prefix, and redacts the result.
    func callTool(params: JSONValue?, origin: RequestOrigin, enforcer: any PolicyEnforcer) async -> Result<JSONValue, JSONRPCError> {
        guard let params, let name = params["name"]?.stringValue else {
            return .failure(.invalidParams("tools/call needs a string name"))
        }
        let arguments = params["arguments"]
        let started = ContinuousClock.now
        let decision = enforcer.checkToolCall(tool: name, arguments: arguments, origin: origin)
        let elapsed = (ContinuousClock.now - started).components
        let latency = UInt64(max(0, elapsed.seconds)) * 1_000_000_000 + UInt64(max(0, elapsed.attoseconds / 1_000_000_000))
        metrics?.recordDecision(decision, stage: "tools/call")
        let route = routing.route(name)
        var result: Result<JSONValue, JSONRPCError>
        if let error = decision.jsonRPCError {
            result = .failure(error)
        } else if let plugin = route.plugin {
            if let upstream = plugins[plugin], !downPlugins.contains(plugin) {
                var forwarded = params
                forwarded["name"] = .string(route.tool)
                result = await forward(to: upstream, method: "tools/call", params: forwarded)
            } else {
                result = .failure(.upstreamUnavailable("plugin \(plugin) is not available"))
            }
        } else {
            result = await forward(to: main, method: "tools/call", params: params)
        }
        if case .success(let value) = result { result = .success(enforcer.redact(toolResult: value)) }
        if let line = enforcer.auditRecord(tool: name, arguments: arguments, origin: origin, decision: decision, latencyNanoseconds: latency) {
            auditLog.record(line)
        }
        return result
    }

    /// Re-filters the last listed tools under the store's current policy, whichever swap this
    /// call was made for (deliveries of two quick swaps may come in either order).
    public func policyChanged() {
        if let current = policyStore.current { policyChanged(to: current) }
    }

    /// Re-filters the last listed tools under a new policy; tells the client when what it may see changed.
    public func policyChanged(to snapshot: PolicySnapshot) {
        guard let listedTools, let listOrigin, let visibleTools else { return }
        let now = Set(listedTools.compactMap { $0["name"]?.stringValue }.filter {
            snapshot.enforcer.isToolVisible($0, origin: listOrigin)
        })
        guard now != visibleTools else { return }
        self.visibleTools = now
        outbox.send(.notification(method: "notifications/tools/list_changed", params: nil))
    }
}
