/// The roles of a policy compiled for fast lookups: which roles an identity holds (subjects in a
/// `GlobSet`, names in a table, claim-only roles in a short list), and the first deny or allow
/// pattern matching a tool among the held roles (all roles' tool globs in two `GlobSet`s, in
/// policy order, so the rule a decision names is deterministic).
struct Authorizer: Sendable {
    struct CompiledRole: Sendable {
        var name: String
        var claims: [String: Set<String>]
        var hasSubjects: Bool
    }

    /// An identity's held roles as a bit set over role indices.
    struct RoleSet: Sendable {
        var words: [UInt64]

        init(count: Int) { words = Array(repeating: 0, count: (count + 63) / 64) }

        mutating func insert(_ index: Int) { words[index >> 6] |= 1 << UInt64(index & 63) }
        func contains(_ index: Int) -> Bool { words[index >> 6] & (1 << UInt64(index & 63)) != 0 }
        var isEmpty: Bool { words.allSatisfy { $0 == 0 } }
    }

    /// The outcome for one tool: which pattern decided, or none.
    enum Verdict {
        case denied(role: Int, pattern: Int)
        case allowed(role: Int, pattern: Int)
        case undecided
    }

    let roles: [CompiledRole]
    let patterns: [(allow: [String], deny: [String])]
    private let roleByName: [String: Int]
    private let subjects: GlobSet
    private let subjectOwners: [Int]
    private let claimOnly: [Int]
    private let allow: GlobSet
    private let allowOwners: [(role: Int, pattern: Int)]
    private let deny: GlobSet
    private let denyOwners: [(role: Int, pattern: Int)]

    init(_ definitions: [PolicyDocument.Role]) {
        var roles: [CompiledRole] = []
        var roleByName: [String: Int] = [:]
        var subjectGlobs: [Glob] = []
        var subjectOwners: [Int] = []
        var claimOnly: [Int] = []
        var allowGlobs: [Glob] = []
        var allowOwners: [(Int, Int)] = []
        var denyGlobs: [Glob] = []
        var denyOwners: [(Int, Int)] = []
        var patterns: [(allow: [String], deny: [String])] = []
        for (index, role) in definitions.enumerated() {
            let subjects = (role.subjects ?? []).compactMap { try? Glob($0) }
            let claims = (role.claims ?? [:]).mapValues(Set.init)
            roles.append(CompiledRole(name: role.name, claims: claims, hasSubjects: !subjects.isEmpty))
            if roleByName[role.name] == nil { roleByName[role.name] = index }
            for glob in subjects {
                subjectGlobs.append(glob)
                subjectOwners.append(index)
            }
            if subjects.isEmpty, !claims.isEmpty { claimOnly.append(index) }
            for (position, pattern) in (role.allowTools ?? []).enumerated() {
                guard let glob = try? Glob(pattern) else { continue }
                allowGlobs.append(glob)
                allowOwners.append((index, position))
            }
            for (position, pattern) in (role.denyTools ?? []).enumerated() {
                guard let glob = try? Glob(pattern) else { continue }
                denyGlobs.append(glob)
                denyOwners.append((index, position))
            }
            patterns.append((role.allowTools ?? [], role.denyTools ?? []))
        }
        self.roles = roles
        self.patterns = patterns
        self.roleByName = roleByName
        self.subjects = GlobSet(subjectGlobs)
        self.subjectOwners = subjectOwners
        self.claimOnly = claimOnly
        self.allow = GlobSet(allowGlobs)
        self.allowOwners = allowOwners
        self.deny = GlobSet(denyGlobs)
        self.denyOwners = denyOwners
    }

    /// The roles `identity` holds: by name, or by subject and claims.
    func heldRoles(_ identity: Identity) -> RoleSet {
        var held = RoleSet(count: roles.count)
        guard !roles.isEmpty else { return held }
        for name in identity.roles {
            if let index = roleByName[name] { held.insert(index) }
        }
        for entry in subjects.matches(identity.subject) {
            let role = subjectOwners[entry]
            if claimsMatch(roles[role], identity) { held.insert(role) }
        }
        for role in claimOnly where claimsMatch(roles[role], identity) { held.insert(role) }
        return held
    }

    private func claimsMatch(_ role: CompiledRole, _ identity: Identity) -> Bool {
        for (claim, accepted) in role.claims {
            guard let values = identity.claims[claim], values.contains(where: accepted.contains) else { return false }
        }
        return true
    }

    /// Deny wins over allow across the held roles; the first matching pattern in policy order decides.
    func verdict(_ held: RoleSet, tool: String) -> Verdict {
        guard !held.isEmpty else { return .undecided }
        if let entry = deny.firstMatch(tool, where: { held.contains(denyOwners[$0].role) }) {
            return .denied(role: denyOwners[entry].role, pattern: denyOwners[entry].pattern)
        }
        if let entry = allow.firstMatch(tool, where: { held.contains(allowOwners[$0].role) }) {
            return .allowed(role: allowOwners[entry].role, pattern: allowOwners[entry].pattern)
        }
        return .undecided
    }

    /// The held roles' names, in policy order.
    func names(_ held: RoleSet) -> [String] {
        roles.indices.filter(held.contains).map { roles[$0].name }
    }
}
