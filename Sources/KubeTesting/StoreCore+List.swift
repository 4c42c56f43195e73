import KubeClient

/// The query parameters of a list.
struct ListOptions: Sendable, Hashable {
    var labelSelector: LabelSelector = .everything
    var fieldSelector: FieldSelector = .everything
    /// `?limit=`; nil or 0 for everything.
    var limit: Int?
    /// `?continue=`.
    var continueToken: String?
    /// Whether any selector was given (then the real server omits `remainingItemCount`).
    var hasSelectors: Bool { !labelSelector.requirements.isEmpty || !fieldSelector.terms.isEmpty }
}

extension StoreCore {
    /// GET on a collection: the matching objects in etcd key order, paged by `limit` and
    /// `continue`. Continuation pages read the snapshot of the first page (rebuilt from the
    /// history), or fail with 410 Expired once that history is compacted.
    func list(_ type: ResourceType, namespace: String?, options: ListOptions) throws(FakeAPIError) -> JSONValue {
        let registration = try registration(type)
        var listVersion = resourceVersion
        var startAfter: String?
        var source = objects[registration.key] ?? [:]
        if let text = options.continueToken, !text.isEmpty {
            let token = try ContinueToken(decoding: text)
            if token.resourceVersion < compactedThrough {
                throw .expired("The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.")
            }
            listVersion = token.resourceVersion
            startAfter = token.lastKey
            source = snapshot(registration, at: listVersion)
        }
        var keys = source.keys.filter { key in
            guard let object = source[key] else { return false }
            if let namespace, registration.type.namespaced, object.metadataNamespace != namespace { return false }
            if let startAfter, !StoreCore.keyOrder(startAfter, key) { return false }
            return options.labelSelector.matches(object.metadataLabels) && options.fieldSelector.matches(object)
        }
        keys.sort(by: StoreCore.keyOrder)
        var metadata: [String: JSONValue] = ["resourceVersion": .string(String(listVersion))]
        if let limit = options.limit, limit > 0, keys.count > limit {
            let remaining = keys.count - limit
            keys = Array(keys.prefix(limit))
            metadata["continue"] = .string(ContinueToken(resourceVersion: listVersion, lastKey: keys[keys.count - 1]).encoded)
            if !options.hasSelectors { metadata["remainingItemCount"] = .number(Double(remaining)) }
        }
        let items = keys.compactMap { source[$0] }.map { object in
            registration.builtin ? object.removingMembers(["apiVersion", "kind"]) : object
        }
        return .object([
            "apiVersion": .string(type.apiVersion), "kind": .string(type.kind + "List"),
            "metadata": .object(metadata), "items": .array(items),
        ])
    }

    /// The objects of a type as they were at `version`, undoing later retained events.
    func snapshot(_ registration: RegisteredType, at version: Int) -> [String: JSONValue] {
        var result = objects[registration.key] ?? [:]
        for event in history.reversed() {
            guard event.resourceVersion > version else { break }
            guard event.typeKey == registration.key else { continue }
            switch event.kind {
            case .added: result.removeValue(forKey: event.objectKey)
            case .modified, .deleted: result[event.objectKey] = event.previous
            }
        }
        return result
    }

    /// All stored objects of a type in key order (for tests).
    func allObjects(_ registration: RegisteredType) -> [JSONValue] {
        let source = objects[registration.key] ?? [:]
        return source.keys.sorted(by: StoreCore.keyOrder).compactMap { source[$0] }
    }
}
