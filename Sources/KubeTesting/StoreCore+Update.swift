import KubeClient

extension StoreCore {
    /// PUT: replaces the object (or only its status through `/status`).
    mutating func update(_ type: ResourceType, namespace: String?, name: String, body: JSONValue, status: Bool,
                         context: WriteContext) throws(FakeAPIError) -> JSONValue {
        let registration = try registration(type)
        if status, !registration.statusSubresource { throw .routeNotFound }
        let old = try existing(registration, namespace: namespace ?? "", name: name)
        let new = try prepareUpdate(registration, old: old, body: body, name: name, status: status, requireResourceVersion: true)
        return finishUpdate(registration, old: old, new: new, context: context, subresource: status ? "status" : nil)
    }

    /// Builds the object a PUT (or a patch result) would store: checks name, namespace and
    /// preconditions; keeps server-set metadata; keeps status for the main resource of a type with
    /// a status subresource; takes only status through `/status`.
    func prepareUpdate(_ registration: RegisteredType, old: JSONValue, body: JSONValue, name: String, status: Bool,
                       requireResourceVersion: Bool) throws(FakeAPIError) -> JSONValue {
        guard body.objectValue != nil else { throw .badRequest("the body of the request must be a JSON object") }
        let body = try checkTypeMeta(registration, body)
        if !body.metadataName.isEmpty, body.metadataName != name {
            throw .badRequest("the name of the object (\(body.metadataName)) does not match the name on the URL (\(name))")
        }
        if registration.type.namespaced, !body.metadataNamespace.isEmpty, body.metadataNamespace != old.metadataNamespace {
            throw .badRequest("the namespace of the provided object does not match the namespace sent on the request")
        }
        try checkPreconditions(registration, old: old, body: body, requireResourceVersion: requireResourceVersion)
        var new: JSONValue
        if status {
            new = old
            new["status"] = body["status"]
        } else {
            new = body
            for key in ["name", "namespace", "uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds",
                        "generation", "resourceVersion", "selfLink"] {
                new.setMetadata(key, old["metadata"]?[key])
            }
            let given = body["metadata"]?["managedFields"]?.arrayValue
            if given == nil || given == [] {
                new.setMetadata("managedFields", old["metadata"]?["managedFields"])
            } else if given == [.object([:])] {
                new.setMetadata("managedFields", nil)
            }
            if registration.statusSubresource { new["status"] = old["status"] }
        }
        try checkFinalizers(registration, old: old, new: new)
        return new
    }

    /// The `resourceVersion` and `uid` preconditions of an update.
    func checkPreconditions(_ registration: RegisteredType, old: JSONValue, body: JSONValue,
                            requireResourceVersion: Bool) throws(FakeAPIError) {
        let type = registration.type
        let name = old.metadataName
        let version = body.metadataResourceVersion
        if version.isEmpty {
            if requireResourceVersion, !registration.allowUnconditionalUpdate {
                throw .invalid(kind: type.kind, group: type.group, name: name, [
                    .init(field: "metadata.resourceVersion", reason: "FieldValueInvalid",
                          detail: "Invalid value: 0x0: must be specified for an update"),
                ])
            }
        } else if version != old.metadataResourceVersion {
            throw .modified(type, name: name)
        }
        let uid = body.metadataUID
        if !uid.isEmpty, uid != old.metadataUID {
            throw .conflict(type, name: name, "Precondition failed: UID in precondition: \(uid), UID in object meta: \(old.metadataUID)")
        }
    }

    /// An object being deleted may lose finalizers but not gain them.
    func checkFinalizers(_ registration: RegisteredType, old: JSONValue, new: JSONValue) throws(FakeAPIError) {
        guard old.isBeingDeleted else { return }
        let added = new.metadataFinalizers.filter { !old.metadataFinalizers.contains($0) }
        if !added.isEmpty {
            let list = added.map { "\"\($0)\"" }.joined(separator: ", ")
            throw .invalid(kind: registration.type.kind, group: registration.type.group, name: old.metadataName, [
                .init(field: "metadata.finalizers", reason: "FieldValueForbidden",
                      detail: "Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{\(list)}"),
            ])
        }
    }

    /// Records field ownership for the writer and commits.
    mutating func finishUpdate(_ registration: RegisteredType, old: JSONValue, new: JSONValue, context: WriteContext,
                               subresource: String?) -> JSONValue {
        let recorded = ServerSideApply.recordUpdate(
            old: old, new: new, manager: context.managerName, scope: registration.scope(status: subresource == "status"),
            subresource: subresource, apiVersion: registration.type.apiVersion, now: timestamp)
        return commitUpdate(registration, old: old, new: recorded)
    }
}
