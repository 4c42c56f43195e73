import Foundation
import KubeClient

/// The patch formats of `PATCH`, by `Content-Type`.
enum PatchType: Sendable, Hashable {
    case merge
    case json
    case strategicMerge
    case apply

    /// The patch type of a content type (parameters such as `charset` ignored), or nil.
    init?(contentType: String) {
        let media = contentType.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        switch media {
        case "application/merge-patch+json": self = .merge
        case "application/json-patch+json": self = .json
        case "application/strategic-merge-patch+json": self = .strategicMerge
        case "application/apply-patch+yaml", "application/apply-patch+json", "application/apply-patch+cbor": self = .apply
        default: return nil
        }
    }
}

extension StoreCore {
    /// PATCH on the object or on `/status`. Returns the result and whether it was created (apply only).
    ///
    /// Strategic merge patch is accepted for built-in types only and applied as a JSON merge patch
    /// (no list merge keys, no `$patch` directives). Server-side apply reads the body as JSON; YAML
    /// apply configurations are not supported (JSON is valid YAML, so JSON bodies are correct).
    mutating func patch(_ type: ResourceType, namespace: String?, name: String, patchType: PatchType, body: Data,
                        status: Bool, context: WriteContext) throws(FakeAPIError) -> (object: JSONValue, created: Bool) {
        let registration = try registration(type)
        if status, !registration.statusSubresource { throw .routeNotFound }
        if context.force != nil, patchType != .apply {
            throw .invalid(kind: "PatchOptions", group: "meta.k8s.io", name: "", [
                .init(field: "force", reason: "FieldValueForbidden", detail: "Forbidden: may not be specified for non-apply patch"),
            ])
        }
        if patchType == .apply {
            return try apply(registration, namespace: namespace ?? "", name: name, body: body, status: status, context: context)
        }
        let old = try existing(registration, namespace: namespace ?? "", name: name)
        let patched = try StoreCore.patched(old, registration: registration, patchType: patchType, body: body)
        let new = try prepareUpdate(registration, old: old, body: patched, name: name, status: status, requireResourceVersion: false)
        return (finishUpdate(registration, old: old, new: new, context: context, subresource: status ? "status" : nil), false)
    }

    /// `document` with a merge, strategic-merge or JSON patch applied.
    static func patched(_ document: JSONValue, registration: RegisteredType, patchType: PatchType,
                        body: Data) throws(FakeAPIError) -> JSONValue {
        let patch: JSONValue
        do {
            patch = try JSONValue(parsing: body)
        } catch {
            throw .badRequest("error decoding patch: invalid JSON: \(error)")
        }
        switch patchType {
        case .merge, .strategicMerge:
            if patchType == .strategicMerge, !registration.builtin {
                throw FakeAPIError(code: 415, reason: "UnsupportedMediaType",
                                   message: "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml")
            }
            guard patch.objectValue != nil else { throw .badRequest("patch must be a JSON object") }
            return MergePatch.apply(patch, to: document)
        case .json:
            do {
                return try JSONPatch(parsing: patch).apply(to: document)
            } catch {
                throw error.malformed ? .badRequest(error.description) : .unprocessablePatch(error.description)
            }
        case .apply:
            return document
        }
    }

    /// Server-side apply (`application/apply-patch+yaml`); creates the object when it is missing.
    private mutating func apply(_ registration: RegisteredType, namespace: String, name: String, body: Data, status: Bool,
                                context: WriteContext) throws(FakeAPIError) -> (object: JSONValue, created: Bool) {
        let type = registration.type
        guard let manager = context.fieldManager, !manager.isEmpty else {
            throw .invalid(kind: "PatchOptions", group: "meta.k8s.io", name: "", [
                .init(field: "fieldManager", reason: "FieldValueRequired", detail: "Required value: is required for apply patch"),
            ])
        }
        let applied: JSONValue
        do {
            applied = try JSONValue(parsing: body)
        } catch {
            throw .badRequest("error decoding YAML: this fake server accepts apply configurations as JSON only: \(error)")
        }
        guard applied.objectValue != nil else { throw .badRequest("error decoding YAML: the apply configuration must be an object") }
        guard let apiVersion = applied["apiVersion"]?.stringValue, !apiVersion.isEmpty,
              let kind = applied["kind"]?.stringValue, !kind.isEmpty else {
            throw .badRequest("invalid object type: apiVersion and kind must be set in an apply configuration")
        }
        _ = try checkTypeMeta(registration, applied)
        if !applied.metadataName.isEmpty, applied.metadataName != name {
            throw .badRequest("the name of the object (\(applied.metadataName)) does not match the name on the URL (\(name))")
        }
        if type.namespaced, !applied.metadataNamespace.isEmpty, applied.metadataNamespace != namespace {
            throw .badRequest("the namespace of the provided object does not match the namespace sent on the request")
        }
        let old = stored(registration, namespace: namespace, name: name)
        if let old, !applied.metadataResourceVersion.isEmpty, applied.metadataResourceVersion != old.metadataResourceVersion {
            throw .modified(type, name: name)
        }
        if old == nil, status { throw .notFound(type, name: name) }
        var live = old ?? .object(["apiVersion": .string(apiVersion), "kind": .string(kind), "metadata": .object(["name": .string(name)])])
        if old == nil, type.namespaced { live.setMetadata("namespace", .string(namespace)) }

        let outcome = ServerSideApply.apply(
            live: live, applied: applied, manager: manager, force: context.force ?? false,
            scope: registration.scope(status: status), subresource: status ? "status" : nil,
            apiVersion: type.apiVersion, now: timestamp)
        let merged: JSONValue
        switch outcome {
        case .conflicts(let conflicts): throw ServerSideApply.conflictError(conflicts)
        case .merged(let value): merged = value
        }
        guard let old else {
            let prepared = try prepareCreate(registration, namespace: type.namespaced ? namespace : nil, body: merged)
            return (try insert(registration, prepared), true)
        }
        // An apply that changes nothing but the manager's timestamp is a no-op, as in the real server.
        if FieldManagerEntry.withoutTimes(merged) == FieldManagerEntry.withoutTimes(old) { return (old, false) }
        try checkFinalizers(registration, old: old, new: merged)
        return (commitUpdate(registration, old: old, new: merged), false)
    }
}
