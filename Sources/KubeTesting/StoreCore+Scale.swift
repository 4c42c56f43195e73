import Foundation
import KubeClient

extension StoreCore {
    /// GET on `/scale`: an autoscaling/v1 Scale built from the type's scale paths.
    func scale(_ type: ResourceType, namespace: String?, name: String) throws(FakeAPIError) -> JSONValue {
        let registration = try registration(type)
        guard let scale = registration.scale else { throw .routeNotFound }
        return StoreCore.scaleObject(try existing(registration, namespace: namespace ?? "", name: name), scale)
    }

    /// PUT on `/scale`: sets the desired replicas (a spec change, so generation moves), with the
    /// Scale's `resourceVersion` as precondition when given.
    mutating func updateScale(_ type: ResourceType, namespace: String?, name: String, body: JSONValue,
                              context: WriteContext) throws(FakeAPIError) -> JSONValue {
        let registration = try registration(type)
        guard let scale = registration.scale else { throw .routeNotFound }
        let old = try existing(registration, namespace: namespace ?? "", name: name)
        return try writeScale(registration, scale, old: old, body: body, context: context)
    }

    /// PATCH on `/scale`: the patch applies to the Scale; apply patches are read as merge patches.
    mutating func patchScale(_ type: ResourceType, namespace: String?, name: String, patchType: PatchType, body: Data,
                             context: WriteContext) throws(FakeAPIError) -> JSONValue {
        let registration = try registration(type)
        guard let scale = registration.scale else { throw .routeNotFound }
        let old = try existing(registration, namespace: namespace ?? "", name: name)
        var scaleRegistration = registration
        scaleRegistration.builtin = true
        let patched = try StoreCore.patched(StoreCore.scaleObject(old, scale), registration: scaleRegistration,
                                            patchType: patchType == .apply ? .merge : patchType, body: body)
        return try writeScale(registration, scale, old: old, body: patched, context: context)
    }

    private mutating func writeScale(_ registration: RegisteredType, _ scale: ScaleSubresource, old: JSONValue, body: JSONValue,
                                     context: WriteContext) throws(FakeAPIError) -> JSONValue {
        let name = old.metadataName
        if !body.metadataName.isEmpty, body.metadataName != name {
            throw .badRequest("the name of the object (\(body.metadataName)) does not match the name on the URL (\(name))")
        }
        let version = body.metadataResourceVersion
        if !version.isEmpty, version != old.metadataResourceVersion { throw .modified(registration.type, name: name) }
        let replicas = body["spec"]?["replicas"]?.intValue ?? 0
        if replicas < 0 {
            throw .invalid(kind: "Scale", group: "autoscaling", name: name, [
                .init(field: "spec.replicas", reason: "FieldValueInvalid",
                      detail: "Invalid value: \(replicas): must be greater than or equal to 0"),
            ])
        }
        var new = old
        new.setValue(.number(Double(replicas)), at: FieldPath(dotted: scale.specReplicasPath))
        let result = finishUpdate(registration, old: old, new: new, context: context, subresource: "scale")
        return StoreCore.scaleObject(result, scale)
    }

    /// The autoscaling/v1 Scale of an object (`spec.replicas` is omitted when zero, as in the real type).
    static func scaleObject(_ object: JSONValue, _ scale: ScaleSubresource) -> JSONValue {
        let specReplicas = object.value(at: FieldPath(dotted: scale.specReplicasPath))?.intValue ?? 0
        let statusReplicas = object.value(at: FieldPath(dotted: scale.statusReplicasPath))?.intValue ?? 0
        var metadata: [String: JSONValue] = [
            "name": .string(object.metadataName), "uid": .string(object.metadataUID),
            "resourceVersion": .string(object.metadataResourceVersion),
        ]
        if !object.metadataNamespace.isEmpty { metadata["namespace"] = .string(object.metadataNamespace) }
        if let created = object["metadata"]?["creationTimestamp"] { metadata["creationTimestamp"] = created }
        var status: [String: JSONValue] = ["replicas": .number(Double(statusReplicas))]
        if let path = scale.labelSelectorPath, let selector = object.value(at: FieldPath(dotted: path)) {
            let text = selector.stringValue ?? LabelSelector.format(selector)
            if !text.isEmpty { status["selector"] = .string(text) }
        }
        return .object([
            "kind": "Scale", "apiVersion": "autoscaling/v1", "metadata": .object(metadata),
            "spec": .object(specReplicas == 0 ? [:] : ["replicas": .number(Double(specReplicas))]),
            "status": .object(status),
        ])
    }
}
