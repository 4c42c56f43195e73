import KubeClient

/// JSON merge patch (RFC 7386): objects merge recursively, `null` deletes a member, anything else
/// (including arrays) replaces the target whole.
enum MergePatch {
    /// The result of applying `patch` to `target`.
    static func apply(_ patch: JSONValue, to target: JSONValue) -> JSONValue {
        guard case .object(let patchMembers) = patch else { return patch }
        var result = target.objectValue ?? [:]
        for (key, value) in patchMembers {
            if value.isNull {
                result.removeValue(forKey: key)
            } else {
                result[key] = apply(value, to: result[key] ?? .null)
            }
        }
        return .object(result)
    }
}
