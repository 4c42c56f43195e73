extension GatewaySession {
    private static let clientCapabilityFor: [String: String] = [
        "sampling/createMessage": "sampling",
        "elicitation/create": "elicitation",
        "roots/list": "roots",
    ]

    /// Relays what an upstream sent on its own to the client, remapping ids and progress tokens.
    func upstreamEvent(from upstream: String, _ event: UpstreamEvent) async {
        switch event {
        case .notification(let method, let params):
            relayNotification(from: upstream, method: method, params: params)
        case .request(let upstreamID, let method, let params):
            if method == "ping" {
                await connection(named: upstream)?.respond(to: upstreamID, with: .success([:]))
                return
            }
            // Upstreams were initialized before the client was (warm pool, plugins): a request
            // such as roots/list waits until the client has finished its handshake and declared
            // its capabilities.
            guard clientReady else {
                heldRequests.append((upstream, upstreamID, method, params))
                return
            }
            if let capability = Self.clientCapabilityFor[method], clientCapabilities[capability] == nil {
                await connection(named: upstream)?.respond(
                    to: upstreamID, with: .failure(JSONRPCError(code: JSONRPCError.methodNotFoundCode, message: "The client does not support \(method)")))
                return
            }
            let gatewayID = serverRequests.assign(original: upstreamID, context: upstream)
            serverRequestIDs[key(upstream, upstreamID)] = gatewayID
            var params = params
            if let token = params?["_meta"]?["progressToken"] {
                // Two upstreams may pick the same token: the client sees the gateway's own.
                let gatewayToken = JSONValue.string("gw-upstream-progress-\(nextProgressToken)")
                nextProgressToken += 1
                upstreamProgressTokens[gatewayToken] = (upstream, token)
                upstreamProgressTokenOfRequest[gatewayID] = gatewayToken
                params?["_meta"]?["progressToken"] = gatewayToken
            }
            outbox.send(.request(id: gatewayID, method: method, params: params))
        case .closed(let error):
            if upstream.isEmpty {
                fail(error)
            } else {
                downPlugins.insert(upstream)
                metrics?.recordUpstreamFailure(upstream, reason: error.shortDescription)
                // Its tools are gone from the list: a client that listed them hears so.
                let prefix = routing.exposedName(plugin: upstream, tool: "")
                if let visible = visibleTools, visible.contains(where: { $0.hasPrefix(prefix) }) {
                    visibleTools = visible.filter { !$0.hasPrefix(prefix) }
                    listedTools = listedTools?.filter { !($0["name"]?.stringValue ?? "").hasPrefix(prefix) }
                    outbox.send(.notification(method: "notifications/tools/list_changed", params: nil))
                }
            }
        }
    }

    private func relayNotification(from upstream: String, method: String, params: JSONValue?) {
        switch method {
        case "notifications/progress":
            // Progress on a call in flight went to the call's relay as it was read; this is
            // progress on nothing the client asked (or asked and already has the answer to).
            return
        case "notifications/cancelled":
            guard let raw = params?["requestId"], let upstreamID = JSONRPCID(raw),
                  let gatewayID = serverRequestIDs.removeValue(forKey: key(upstream, upstreamID))
            else { return }
            _ = serverRequests.resolve(gatewayID)
            var params = params
            params?["requestId"] = gatewayID.json
            outbox.send(.notification(method: method, params: params))
        case "notifications/tools/list_changed", "notifications/message":
            outbox.send(.notification(method: method, params: params))
        default:
            // Resource and prompt notifications describe the main server's resources and prompts only.
            if upstream.isEmpty { outbox.send(.notification(method: method, params: params)) }
        }
    }

    /// Handles a notification from the client.
    func clientNotification(method: String, params: JSONValue?) async {
        switch method {
        case "notifications/initialized":
            await clientBecameReady()
        case "notifications/cancelled":
            if let raw = params?["requestId"], let requestID = JSONRPCID(raw) { cancelInFlight(requestID) }
        case "notifications/progress":
            // Progress on a request an upstream made (sampling, elicitation) goes back to that
            // upstream under its own token; anything else to the main server.
            guard let token = params?["progressToken"], let owner = upstreamProgressTokens[token] else {
                return await main.notify(method: method, params: params)
            }
            var params = params
            params?["progressToken"] = owner.token
            await connection(named: owner.upstream)?.notify(method: method, params: params)
        case "notifications/roots/list_changed":
            await main.notify(method: method, params: params)
            for plugin in plugins.values { await plugin.notify(method: method, params: params) }
        default:
            await main.notify(method: method, params: params)
        }
    }

    /// The client finished its handshake: the upstream requests held until now go through.
    func clientBecameReady() async {
        guard !clientReady, protocolVersion != nil else { return }
        clientReady = true
        let held = heldRequests
        heldRequests = []
        for request in held {
            await upstreamEvent(from: request.upstream, .request(id: request.id, method: request.method, params: request.params))
        }
    }

    /// Routes the client's answer to a server-to-client request back to the upstream that asked.
    func clientAnswer(_ gatewayID: JSONRPCID, _ result: Result<JSONValue, JSONRPCError>) async {
        guard let entry = serverRequests.resolve(gatewayID), let upstreamID = entry.original else {
            logger.debug("client answered an unknown request", metadata: ["id": "\(gatewayID)"])
            return
        }
        serverRequestIDs[key(entry.context, upstreamID)] = nil
        if let token = upstreamProgressTokenOfRequest.removeValue(forKey: gatewayID) { upstreamProgressTokens[token] = nil }
        await connection(named: entry.context)?.respond(to: upstreamID, with: result)
    }

    private func connection(named name: String) -> UpstreamConnection? {
        name.isEmpty ? main : plugins[name]
    }

    private func key(_ upstream: String, _ id: JSONRPCID) -> String { "\(upstream)\u{0}\(id)" }
}
