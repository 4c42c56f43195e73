import Foundation

// Every verb exists once, over a `ResourceType` and a Codable body type; the typed forms for
// `KubernetesResource` kinds and the dynamic forms for custom resources are thin wrappers.

extension KubernetesClient {
    func namespaceFor(_ resource: ResourceType, _ namespace: String?) -> String? {
        resource.namespaced ? (namespace ?? defaultNamespace) : nil
    }

    // MARK: Read

    /// Reads one object.
    public func get<T: Decodable>(_ resource: ResourceType, name: String, namespace: String? = nil, as type: T.Type) async throws -> T {
        let path = resource.objectPath(name: name, namespace: namespaceFor(resource, namespace))
        let response = try await perform(method: "GET", path: path)
        return try decode(T.self, from: response.body, method: "GET", path: path)
    }

    /// Reads one page of a collection. Without a namespace for a namespaced type, the default
    /// namespace is used; pass `allNamespaces: true` to list across all of them.
    public func list<T: Decodable & Sendable>(_ resource: ResourceType, namespace: String? = nil, allNamespaces: Bool = false,
                                              options: ListOptions = ListOptions(), as type: T.Type) async throws -> ObjectList<T> {
        let path = resource.collectionPath(namespace: allNamespaces ? nil : namespaceFor(resource, namespace))
        let response = try await perform(method: "GET", path: path, query: options.queryItems)
        return try decode(ObjectList<T>.self, from: response.body, method: "GET", path: path)
    }

    /// Reads a whole collection, following continue tokens page by page. The result's
    /// resourceVersion is the first page's (the snapshot every page is read from).
    public func listAll<T: Decodable & Sendable>(_ resource: ResourceType, namespace: String? = nil, allNamespaces: Bool = false,
                                                 options: ListOptions = ListOptions(), pageSize: Int = 500,
                                                 as type: T.Type) async throws -> ObjectList<T> {
        var options = options
        options.limit = pageSize
        var first = try await list(resource, namespace: namespace, allNamespaces: allNamespaces, options: options, as: T.self)
        var token = first.metadata.continue
        while let next = token, !next.isEmpty {
            options.continue = next
            options.resourceVersion = nil
            let page = try await list(resource, namespace: namespace, allNamespaces: allNamespaces, options: options, as: T.self)
            first.items.append(contentsOf: page.items)
            token = page.metadata.continue
        }
        first.metadata.continue = nil
        first.metadata.remainingItemCount = nil
        return first
    }

    // MARK: Write

    /// Creates an object; 409 AlreadyExists when the name is taken.
    public func create<T: Codable>(_ resource: ResourceType, _ object: T, namespace: String? = nil) async throws -> T {
        let path = resource.collectionPath(namespace: namespaceFor(resource, namespace))
        let response = try await perform(method: "POST", path: path, body: try encode(object), contentType: "application/json")
        return try decode(T.self, from: response.body, method: "POST", path: path)
    }

    /// Replaces an object. Its `metadata.resourceVersion` must be the one read; a stale one
    /// gets a 409 (`KubernetesError.isConflict`).
    public func update<T: Codable>(_ resource: ResourceType, _ object: T, name: String, namespace: String? = nil,
                                   subresource: String? = nil) async throws -> T {
        let path = resource.objectPath(name: name, namespace: namespaceFor(resource, namespace), subresource: subresource)
        let response = try await perform(method: "PUT", path: path, body: try encode(object), contentType: "application/json")
        return try decode(T.self, from: response.body, method: "PUT", path: path)
    }

    /// Server-side apply: sends the fields this manager owns (and only those); the server merges
    /// them, removes the manager's fields that it no longer sends, and answers 409 when another
    /// manager owns a field with a different value, unless `force`.
    public func apply<T: Encodable, R: Decodable>(_ resource: ResourceType, _ object: T, name: String, namespace: String? = nil,
                                                  fieldManager: String, force: Bool = false, subresource: String? = nil,
                                                  as type: R.Type) async throws -> R {
        let path = resource.objectPath(name: name, namespace: namespaceFor(resource, namespace), subresource: subresource)
        var query = [("fieldManager", fieldManager)]
        if force { query.append(("force", "true")) }
        let response = try await perform(method: "PATCH", path: path, query: query, body: try encode(object),
                                         contentType: "application/apply-patch+yaml")
        return try decode(R.self, from: response.body, method: "PATCH", path: path)
    }

    /// Patches an object with a merge, JSON or strategic-merge patch.
    public func patch<T: Decodable>(_ resource: ResourceType, name: String, namespace: String? = nil, _ patch: Patch,
                                    fieldManager: String? = nil, subresource: String? = nil, as type: T.Type) async throws -> T {
        let path = resource.objectPath(name: name, namespace: namespaceFor(resource, namespace), subresource: subresource)
        let query = fieldManager.map { [("fieldManager", $0)] } ?? []
        let response = try await perform(method: "PATCH", path: path, query: query, body: try patch.body(), contentType: patch.contentType)
        return try decode(T.self, from: response.body, method: "PATCH", path: path)
    }

    /// Deletes an object. Returns the object when the server kept it (finalizers pending, or a
    /// foreground deletion under way) and nil when the answer was a Success status.
    @discardableResult
    public func delete<T: Decodable>(_ resource: ResourceType, name: String, namespace: String? = nil,
                                     options: DeleteOptions = DeleteOptions(), as type: T.Type) async throws -> T? {
        let path = resource.objectPath(name: name, namespace: namespaceFor(resource, namespace))
        let response = try await perform(method: "DELETE", path: path, body: try encode(options), contentType: "application/json")
        if let status = try? JSONDecoder().decode(KubernetesStatus.self, from: response.body), status.kind == "Status" {
            return nil
        }
        let object = try decode(T.self, from: response.body, method: "DELETE", path: path)
        return object
    }

    // MARK: Scale subresource

    /// Reads the scale subresource (autoscaling/v1 Scale) of a scalable object.
    public func getScale(_ resource: ResourceType, name: String, namespace: String? = nil) async throws -> Scale {
        let path = resource.objectPath(name: name, namespace: namespaceFor(resource, namespace), subresource: "scale")
        let response = try await perform(method: "GET", path: path)
        return try decode(Scale.self, from: response.body, method: "GET", path: path)
    }

    /// Sets the desired replicas through the scale subresource. With `resourceVersion`, the write
    /// fails with a conflict when the object changed since.
    public func scale(_ resource: ResourceType, name: String, namespace: String? = nil, replicas: Int,
                      resourceVersion: String? = nil) async throws -> Scale {
        let path = resource.objectPath(name: name, namespace: namespaceFor(resource, namespace), subresource: "scale")
        var metadata: JSONValue = ["name": .string(name)]
        if let ns = namespaceFor(resource, namespace) { metadata["namespace"] = .string(ns) }
        if let resourceVersion { metadata["resourceVersion"] = .string(resourceVersion) }
        let body: JSONValue = [
            "apiVersion": "autoscaling/v1", "kind": "Scale", "metadata": metadata,
            "spec": ["replicas": .number(Double(replicas))],
        ]
        let response = try await perform(method: "PUT", path: path, body: try body.data(), contentType: "application/json")
        return try decode(Scale.self, from: response.body, method: "PUT", path: path)
    }
}

// MARK: Typed forms

extension KubernetesClient {
    /// Reads one object of a typed kind.
    public func get<R: KubernetesResource>(_ type: R.Type, name: String, namespace: String? = nil) async throws -> R {
        try await get(R.resourceType, name: name, namespace: namespace, as: R.self)
    }

    /// Reads one page of a typed kind.
    public func list<R: KubernetesResource>(_ type: R.Type, namespace: String? = nil, allNamespaces: Bool = false,
                                            options: ListOptions = ListOptions()) async throws -> ObjectList<R> {
        try await list(R.resourceType, namespace: namespace, allNamespaces: allNamespaces, options: options, as: R.self)
    }

    /// Reads every object of a typed kind, following continue tokens.
    public func listAll<R: KubernetesResource>(_ type: R.Type, namespace: String? = nil, allNamespaces: Bool = false,
                                               options: ListOptions = ListOptions(), pageSize: Int = 500) async throws -> ObjectList<R> {
        try await listAll(R.resourceType, namespace: namespace, allNamespaces: allNamespaces, options: options, pageSize: pageSize, as: R.self)
    }

    /// Creates a typed object in its metadata's namespace (or the default).
    public func create<R: KubernetesResource>(_ object: R) async throws -> R {
        try await create(R.resourceType, object, namespace: object.metadata.namespace)
    }

    /// Replaces a typed object (resourceVersion precondition).
    public func update<R: KubernetesResource>(_ object: R) async throws -> R {
        try await update(R.resourceType, object, name: object.name, namespace: object.metadata.namespace)
    }

    /// Reads an object, changes it and replaces it, reading and changing it again when another
    /// writer got in between (409 Conflict), up to `attempts` times: client-go's RetryOnConflict
    /// around a get and an update.
    @discardableResult
    public func update<R: KubernetesResource>(_ type: R.Type, name: String, namespace: String? = nil, attempts: Int = 5,
                                              retryingConflicts change: (inout R) throws -> Void) async throws -> R {
        var attempt = 1
        while true {
            var object = try await get(type, name: name, namespace: namespace)
            try change(&object)
            do {
                return try await update(object)
            } catch let error as KubernetesError where error.isConflict && attempt < attempts {
                attempt += 1
            }
        }
    }

    /// Replaces the status of a typed object through the status subresource.
    public func updateStatus<R: KubernetesResource>(_ object: R) async throws -> R {
        try await update(R.resourceType, object, name: object.name, namespace: object.metadata.namespace, subresource: "status")
    }

    /// Server-side applies a typed object built with only the fields this manager owns.
    public func apply<R: KubernetesResource>(_ object: R, fieldManager: String, force: Bool = false,
                                             subresource: String? = nil) async throws -> R {
        try await apply(R.resourceType, object, name: object.name, namespace: object.metadata.namespace,
                        fieldManager: fieldManager, force: force, subresource: subresource, as: R.self)
    }

    /// Patches a typed object.
    public func patch<R: KubernetesResource>(_ type: R.Type, name: String, namespace: String? = nil, _ patch: Patch,
                                             fieldManager: String? = nil, subresource: String? = nil) async throws -> R {
        try await self.patch(R.resourceType, name: name, namespace: namespace, patch, fieldManager: fieldManager,
                             subresource: subresource, as: R.self)
    }

    /// Deletes a typed object; see `delete(_:name:namespace:options:as:)`.
    @discardableResult
    public func delete<R: KubernetesResource>(_ type: R.Type, name: String, namespace: String? = nil,
                                              options: DeleteOptions = DeleteOptions()) async throws -> R? {
        try await delete(R.resourceType, name: name, namespace: namespace, options: options, as: R.self)
    }
}

// MARK: Dynamic forms

extension KubernetesClient {
    /// Reads one object of any kind as JSON.
    public func get(_ resource: ResourceType, name: String, namespace: String? = nil) async throws -> DynamicObject {
        try await get(resource, name: name, namespace: namespace, as: DynamicObject.self)
    }

    /// Creates an object of any kind from JSON.
    public func create(_ resource: ResourceType, _ object: DynamicObject) async throws -> DynamicObject {
        try await create(resource, object, namespace: object.namespace)
    }

    /// Replaces an object of any kind (resourceVersion precondition).
    public func update(_ resource: ResourceType, _ object: DynamicObject, subresource: String? = nil) async throws -> DynamicObject {
        try await update(resource, object, name: object.name, namespace: object.namespace, subresource: subresource)
    }

    /// Server-side applies an object of any kind.
    public func apply(_ resource: ResourceType, _ object: DynamicObject, fieldManager: String, force: Bool = false,
                      subresource: String? = nil) async throws -> DynamicObject {
        try await apply(resource, object, name: object.name, namespace: object.namespace, fieldManager: fieldManager,
                        force: force, subresource: subresource, as: DynamicObject.self)
    }
}
