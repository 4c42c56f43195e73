import Foundation
import KubeClient

extension StoreCore {
    /// POST: creates an object in `namespace` (the URL's; nil for cluster-scoped types).
    mutating func create(_ type: ResourceType, namespace: String?, body: JSONValue, context: WriteContext) throws(FakeAPIError) -> JSONValue {
        let registration = try registration(type)
        var object = try prepareCreate(registration, namespace: namespace, body: body)
        object = ServerSideApply.recordUpdate(
            old: nil, new: object, manager: context.managerName, scope: registration.scope(status: false),
            subresource: nil, apiVersion: type.apiVersion, now: timestamp)
        return try insert(registration, object)
    }

    /// Checks a new object against the URL and fills in identity: kind, namespace, name
    /// (generateName), with validation errors worded like the real server's.
    func prepareCreate(_ registration: RegisteredType, namespace: String?, body: JSONValue) throws(FakeAPIError) -> JSONValue {
        let type = registration.type
        guard body.objectValue != nil else { throw .badRequest("the body of the request must be a JSON object") }
        var object = try checkTypeMeta(registration, body)
        if type.namespaced {
            let inBody = object.metadataNamespace
            guard let namespace, !namespace.isEmpty else { throw .methodNotAllowed }
            if !inBody.isEmpty, inBody != namespace {
                throw .badRequest("the namespace of the provided object does not match the namespace sent on the request")
            }
            object.setMetadata("namespace", .string(namespace))
        } else {
            object.setMetadata("namespace", nil)
        }
        if !object.metadataResourceVersion.isEmpty {
            throw .internalError("resourceVersion should not be set on objects to be created")
        }
        if object.metadataName.isEmpty {
            guard let prefix = object["metadata"]?["generateName"]?.stringValue, !prefix.isEmpty else {
                throw .invalid(kind: type.kind, group: type.group, name: "", [
                    .init(field: "metadata.name", reason: "FieldValueRequired", detail: "Required value: name or generateName is required"),
                ])
            }
            object.setMetadata("name", .string(generateName(registration, prefix: prefix, namespace: object.metadataNamespace)))
        }
        try validateName(registration, object.metadataName)
        return object
    }

    /// Stores a prepared new object with server-set metadata; 409 when the name is taken.
    mutating func insert(_ registration: RegisteredType, _ prepared: JSONValue) throws(FakeAPIError) -> JSONValue {
        var object = prepared
        let name = object.metadataName
        if stored(registration, namespace: object.metadataNamespace, name: name) != nil {
            throw .alreadyExists(registration.type, name: name)
        }
        object.setMetadata("uid", .string(UUID().uuidString.lowercased()))
        object.setMetadata("creationTimestamp", .string(timestamp))
        object.setMetadata("generation", 1)
        object.setMetadata("deletionTimestamp", nil)
        object.setMetadata("deletionGracePeriodSeconds", nil)
        object.setMetadata("selfLink", nil)
        if registration.statusSubresource, var members = object.objectValue {
            members.removeValue(forKey: "status")
            object = .object(members)
        }
        return commitCreate(registration, object)
    }

    /// Fills in `apiVersion` and `kind`, rejecting values for another type.
    func checkTypeMeta(_ registration: RegisteredType, _ body: JSONValue) throws(FakeAPIError) -> JSONValue {
        var object = body
        let type = registration.type
        if let apiVersion = body["apiVersion"]?.stringValue, !apiVersion.isEmpty, apiVersion != type.apiVersion {
            throw .badRequest("the API version in the data (\(apiVersion)) does not match the expected API version (\(type.apiVersion))")
        }
        if let kind = body["kind"]?.stringValue, !kind.isEmpty, kind != type.kind {
            throw .badRequest("the kind in the data (\(kind)) does not match the expected kind (\(type.kind))")
        }
        object["apiVersion"] = .string(type.apiVersion)
        object["kind"] = .string(type.kind)
        return object
    }

    private func generateName(_ registration: RegisteredType, prefix: String, namespace: String) -> String {
        let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
        let base = String(prefix.prefix(58))
        while true {
            let name = base + String((0..<5).map { _ in alphabet.randomElement()! })
            if stored(registration, namespace: namespace, name: name) == nil { return name }
        }
    }

    /// Validates an object name by the type's rule (422 Invalid on `metadata.name`).
    func validateName(_ registration: RegisteredType, _ name: String) throws(FakeAPIError) {
        let type = registration.type
        func isAlphanumeric(_ c: Character) -> Bool { c.isASCII && (c.isLowercase || c.isNumber) }
        func isLabel(_ label: Substring, max: Int) -> Bool {
            guard let first = label.first, let last = label.last, label.count <= max else { return false }
            return isAlphanumeric(first) && isAlphanumeric(last) && label.allSatisfy { isAlphanumeric($0) || $0 == "-" }
        }
        let valid: Bool
        let detail: String
        switch registration.nameRule {
        case .subdomain:
            valid = name.count <= 253 && name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { isLabel($0, max: 253) }
            detail = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
        case .label:
            valid = isLabel(name[...], max: 63)
            detail = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
        case .dns1035Label:
            valid = isLabel(name[...], max: 63) && (name.first?.isLetter ?? false)
            detail = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"
        }
        if !valid {
            throw .invalid(kind: type.kind, group: type.group, name: name, [
                .init(field: "metadata.name", reason: "FieldValueInvalid", detail: "Invalid value: \"\(name)\": \(detail)"),
            ])
        }
    }
}
