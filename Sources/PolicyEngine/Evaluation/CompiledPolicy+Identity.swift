import Crypto

extension CompiledPolicy {
    /// The identity of a caller presenting API key `key`, or nil when the key's SHA-256 is not
    /// among the policy's keys. The key's name becomes the subject.
    public func identity(forAPIKey key: String) -> Identity? {
        let hash = SHA256.hash(data: Array(key.utf8)).hexString
        guard let name = apiKeys[hash] else { return nil }
        return Identity(subject: name, method: .apiKey)
    }

    /// The identity of a caller whose bearer token the gateway has verified (signature, issuer,
    /// audience, expiry), from its claims: the subject from `subjectClaim`, roles from
    /// `rolesClaim` (an array, or a space- or comma-separated string), and every claim flattened
    /// to strings. Nil when the subject claim is missing or not a string.
    public func identity(fromVerifiedClaims claims: [String: PolicyJSON]) -> Identity? {
        Self.identity(
            fromVerifiedClaims: claims, subjectClaim: oidc?.subjectClaim ?? "sub", rolesClaim: oidc?.rolesClaim ?? "roles")
    }

    /// `identity(fromVerifiedClaims:)` with explicit claim names.
    public static func identity(fromVerifiedClaims claims: [String: PolicyJSON], subjectClaim: String, rolesClaim: String)
        -> Identity?
    {
        var flattened: [String: [String]] = [:]
        flatten(.object(claims), prefix: "", depth: 0, into: &flattened)
        guard let subject = flattened[subjectClaim]?.first, flattened[subjectClaim]?.count == 1 else { return nil }
        var roles = flattened[rolesClaim] ?? []
        if roles.count == 1, case .string? = lookup(claims, rolesClaim) {
            roles = roles[0].split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
        }
        return Identity(subject: subject, roles: roles, claims: flattened, method: .jwt)
    }

    private static func lookup(_ claims: [String: PolicyJSON], _ path: String) -> PolicyJSON? {
        if let direct = claims[path] { return direct }
        var current: PolicyJSON? = .object(claims)
        for component in path.split(separator: ".") { current = current?[String(component)] }
        return current
    }

    private static func flatten(_ value: PolicyJSON, prefix: String, depth: Int, into result: inout [String: [String]]) {
        switch value {
        case .object(let members):
            guard depth < 4 else { return }
            for (key, member) in members {
                flatten(member, prefix: prefix.isEmpty ? key : "\(prefix).\(key)", depth: depth + 1, into: &result)
            }
        case .array(let elements):
            for element in elements {
                if let text = scalarText(element) { result[prefix, default: []].append(text) }
            }
        default:
            if let text = scalarText(value) { result[prefix, default: []].append(text) }
        }
    }

    private static func scalarText(_ value: PolicyJSON) -> String? {
        switch value {
        case .string(let text): text
        case .bool(let flag): flag ? "true" : "false"
        case .number(let number): PolicyJSON.renderNumber(number)
        default: nil
        }
    }
}
