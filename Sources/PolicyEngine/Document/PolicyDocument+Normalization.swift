extension PolicyDocument {
    /// The document with every default written out and set-like lists in canonical order:
    /// CIDR lists parsed, masked, rendered canonically, sorted and deduplicated; API-key hashes
    /// lowercased; audiences and claim values sorted; durations in their shortest form. Lists
    /// whose order names rules (roles, globs, limits, patterns) keep their order. Two documents
    /// that mean the same policy normalize to equal values. Invalid entries are kept as written,
    /// so validation still reports them.
    public func normalized() -> PolicyDocument {
        normalized(cidrs: ParsedCIDRs(self))
    }

    func normalized(cidrs: ParsedCIDRs) -> PolicyDocument {
        var result = PolicyDocument()
        result.serverSelector = serverSelector
        result.defaultAction = defaultAction ?? .deny
        let auth = authentication ?? Authentication()
        result.authentication = Authentication(
            allowAnonymous: auth.allowAnonymous ?? false,
            apiKeys: (auth.apiKeys ?? []).map { key in
                var hash = key.sha256.lowercased()
                if hash.hasPrefix("sha256:") { hash.removeFirst(7) }
                return APIKey(name: key.name, sha256: hash)
            },
            oidc: auth.oidc.map { oidc in
                OIDC(
                    issuer: oidc.issuer, audiences: Array(Set(oidc.audiences)).sorted(), jwksURL: oidc.jwksURL,
                    subjectClaim: oidc.subjectClaim ?? "sub", rolesClaim: oidc.rolesClaim ?? "roles")
            })
        result.roles = (roles ?? []).map { role in
            Role(
                name: role.name, subjects: role.subjects ?? [],
                claims: (role.claims ?? [:]).mapValues { Array(Set($0)).sorted() },
                allowTools: role.allowTools ?? [], denyTools: role.denyTools ?? [])
        }
        result.rateLimits = (rateLimits ?? []).map { limit in
            RateLimit(
                name: limit.name, scope: limit.scope ?? .subject, tools: limit.tools ?? ["*"],
                requestsPerSecond: limit.requestsPerSecond, requestsPerMinute: limit.requestsPerMinute,
                burst: limit.effectiveBurst)
        }
        result.network = Network(allowCIDRs: cidrs.allow.canonicalStrings, denyCIDRs: cidrs.deny.canonicalStrings)
        let input = inputValidation ?? InputValidation()
        let detectors = input.detectors ?? Detectors()
        result.inputValidation = InputValidation(
            maxArgumentBytes: input.maxArgumentBytes ?? 1_048_576, maxDepth: input.maxDepth ?? 32,
            detectors: Detectors(
                sqlInjection: detectors.sqlInjection ?? true, xss: detectors.xss ?? true,
                pathTraversal: detectors.pathTraversal ?? true, commandInjection: detectors.commandInjection ?? true),
            customPatterns: (input.customPatterns ?? []).map {
                CustomPattern(name: $0.name, pattern: $0.pattern, fields: $0.fields ?? ["*"])
            })
        result.outputRedaction = (outputRedaction ?? []).map {
            RedactionRule(name: $0.name, pattern: $0.pattern, replacement: $0.replacement ?? "[REDACTED]")
        }
        result.threatIntel = ThreatIntel(
            denyCIDRs: cidrs.threatIntel.canonicalStrings,
            feeds: (threatIntel?.feeds ?? []).map { feed in
                let interval = feed.refreshInterval ?? "1h"
                return Feed(
                    name: feed.name, configMapRef: feed.configMapRef, url: feed.url, format: feed.format ?? .plain,
                    refreshInterval: PolicyDuration.seconds(interval).map(PolicyDuration.format) ?? interval)
            })
        result.audit = Audit(enabled: audit?.enabled ?? true, includeArguments: audit?.includeArguments ?? false)
        result.dryRun = dryRun ?? false
        return result
    }
}
