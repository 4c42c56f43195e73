extension PolicyDocument {
    /// Every problem in the document, each with its field path under `root` and a reason. An
    /// empty result means the document compiles.
    public func validate(root: String = "spec") -> [PolicyIssue] {
        validate(root: root, cidrs: ParsedCIDRs(self))
    }

    func validate(root: String, cidrs: ParsedCIDRs) -> [PolicyIssue] {
        var validator = PolicyValidator()
        validateSelector(&validator, root)
        validateAuthentication(&validator, root + ".authentication")
        validateRoles(&validator, root + ".roles")
        validateRateLimits(&validator, root + ".rateLimits")
        validator.cidrs(cidrs.allow, at: root + ".network.allowCIDRs")
        validator.cidrs(cidrs.deny, at: root + ".network.denyCIDRs")
        validateInput(&validator, root + ".inputValidation")
        validateRedaction(&validator, root + ".outputRedaction")
        validator.cidrs(cidrs.threatIntel, at: root + ".threatIntel.denyCIDRs")
        validateThreatIntel(&validator, root + ".threatIntel")
        return validator.issues
    }

    /// Throws `PolicyValidationError.invalid` listing every problem, if there are any.
    public func validateOrThrow(root: String = "spec") throws(PolicyValidationError) {
        let issues = validate(root: root)
        if !issues.isEmpty { throw .invalid(issues) }
    }

    private func validateSelector(_ validator: inout PolicyValidator, _ root: String) {
        for (index, requirement) in (serverSelector?.matchExpressions ?? []).enumerated() {
            let path = "\(root).serverSelector.matchExpressions[\(index)]"
            if requirement.key.isEmpty { validator.add(path + ".key", "key must not be empty") }
            switch requirement.operator {
            case "In", "NotIn":
                if requirement.values?.isEmpty ?? true { validator.add(path + ".values", "\(requirement.operator) needs values") }
            case "Exists", "DoesNotExist":
                if !(requirement.values?.isEmpty ?? true) {
                    validator.add(path + ".values", "\(requirement.operator) takes no values")
                }
            default:
                validator.add(path + ".operator", "unknown operator \"\(requirement.operator)\" (In, NotIn, Exists, DoesNotExist)")
            }
        }
    }

    private func validateAuthentication(_ validator: inout PolicyValidator, _ root: String) {
        let keys = authentication?.apiKeys ?? []
        for (index, key) in keys.enumerated() {
            validator.name(key.name, at: "\(root).apiKeys[\(index)].name", kind: "API key")
            var hash = key.sha256.lowercased()
            if hash.hasPrefix("sha256:") { hash.removeFirst(7) }
            if hash.utf8.count != 64 || !hash.utf8.allSatisfy({ IPAddress.hexValue($0) != nil }) {
                validator.add("\(root).apiKeys[\(index)].sha256", "must be 64 hexadecimal digits (the SHA-256 of the key)")
            }
        }
        validator.unique(keys.map(\.name), at: { "\(root).apiKeys[\($0)].name" }, kind: "API key")
        validator.unique(keys.map { $0.sha256.lowercased() }, at: { "\(root).apiKeys[\($0)].sha256" }, kind: "API key hash")
        guard let oidc = authentication?.oidc else { return }
        validator.url(oidc.issuer, at: root + ".oidc.issuer")
        if oidc.audiences.isEmpty { validator.add(root + ".oidc.audiences", "at least one audience is required") }
        for (index, audience) in oidc.audiences.enumerated() where audience.isEmpty {
            validator.add("\(root).oidc.audiences[\(index)]", "audience must not be empty")
        }
        if let jwks = oidc.jwksURL { validator.url(jwks, at: root + ".oidc.jwksURL") }
        if oidc.subjectClaim?.isEmpty == true { validator.add(root + ".oidc.subjectClaim", "must not be empty") }
        if oidc.rolesClaim?.isEmpty == true { validator.add(root + ".oidc.rolesClaim", "must not be empty") }
    }

    private func validateRoles(_ validator: inout PolicyValidator, _ root: String) {
        let roles = roles ?? []
        for (index, role) in roles.enumerated() {
            let path = "\(root)[\(index)]"
            validator.name(role.name, at: path + ".name", kind: "role")
            validator.globs(role.subjects, at: path + ".subjects")
            validator.globs(role.allowTools, at: path + ".allowTools")
            validator.globs(role.denyTools, at: path + ".denyTools")
            for (claim, values) in (role.claims ?? [:]).sorted(by: { $0.key < $1.key }) {
                if claim.isEmpty { validator.add(path + ".claims", "claim name must not be empty") }
                if values.isEmpty { validator.add("\(path).claims.\(claim)", "at least one value is required") }
            }
        }
        validator.unique(roles.map(\.name), at: { "\(root)[\($0)].name" }, kind: "role")
    }

    private func validateRateLimits(_ validator: inout PolicyValidator, _ root: String) {
        let limits = rateLimits ?? []
        for (index, limit) in limits.enumerated() {
            let path = "\(root)[\(index)]"
            validator.name(limit.name, at: path + ".name", kind: "rate limit")
            validator.globs(limit.tools, at: path + ".tools")
            switch (limit.requestsPerSecond, limit.requestsPerMinute) {
            case (nil, nil):
                validator.add(path, "one of requestsPerSecond and requestsPerMinute is required")
            case (.some, .some):
                validator.add(path, "only one of requestsPerSecond and requestsPerMinute may be set")
            case (let rate?, nil):
                if !(rate.isFinite && rate > 0) { validator.add(path + ".requestsPerSecond", "must be a positive number") }
            case (nil, let rate?):
                if !(rate.isFinite && rate > 0) { validator.add(path + ".requestsPerMinute", "must be a positive number") }
            }
            if let burst = limit.burst, burst < 1 || burst > 1_000_000_000 {
                validator.add(path + ".burst", "must be between 1 and 1000000000")
            }
        }
        validator.unique(limits.map(\.name), at: { "\(root)[\($0)].name" }, kind: "rate limit")
    }

    private func validateInput(_ validator: inout PolicyValidator, _ root: String) {
        guard let input = inputValidation else { return }
        if let bytes = input.maxArgumentBytes, bytes < 1 || bytes > 1 << 30 {
            validator.add(root + ".maxArgumentBytes", "must be between 1 and 1073741824")
        }
        if let depth = input.maxDepth, depth < 1 || depth > PolicyJSON.maximumParseDepth {
            validator.add(root + ".maxDepth", "must be between 1 and \(PolicyJSON.maximumParseDepth)")
        }
        let patterns = input.customPatterns ?? []
        for (index, pattern) in patterns.enumerated() {
            let path = "\(root).customPatterns[\(index)]"
            validator.name(pattern.name, at: path + ".name", kind: "pattern")
            validator.regex(pattern.pattern, at: path + ".pattern")
            validator.globs(pattern.fields, at: path + ".fields")
        }
        validator.unique(patterns.map(\.name), at: { "\(root).customPatterns[\($0)].name" }, kind: "pattern")
    }

    private func validateRedaction(_ validator: inout PolicyValidator, _ root: String) {
        let rules = outputRedaction ?? []
        for (index, rule) in rules.enumerated() {
            let path = "\(root)[\(index)]"
            validator.name(rule.name, at: path + ".name", kind: "redaction rule")
            guard let regex = validator.regex(rule.pattern, at: path + ".pattern") else { continue }
            if regex.canMatchEmpty {
                validator.add(path + ".pattern", "pattern \"\(rule.pattern)\" can match the empty string")
            }
            for case .group(let group) in TemplatePiece.parse(rule.replacement ?? "") where group > regex.captureGroupCount {
                validator.add(
                    path + ".replacement",
                    "refers to group \(group) but the pattern has \(regex.captureGroupCount) capturing group(s)")
            }
        }
        validator.unique(rules.map(\.name), at: { "\(root)[\($0)].name" }, kind: "redaction rule")
    }

    private func validateThreatIntel(_ validator: inout PolicyValidator, _ root: String) {
        let feeds = threatIntel?.feeds ?? []
        for (index, feed) in feeds.enumerated() {
            let path = "\(root).feeds[\(index)]"
            validator.name(feed.name, at: path + ".name", kind: "feed")
            switch (feed.configMapRef, feed.url) {
            case (nil, nil): validator.add(path, "one of configMapRef and url is required")
            case (.some, .some): validator.add(path, "only one of configMapRef and url may be set")
            case (let reference?, nil):
                validator.objectName(reference.name, at: path + ".configMapRef.name")
                if reference.key.isEmpty { validator.add(path + ".configMapRef.key", "key must not be empty") }
            case (nil, let url?):
                validator.url(url, at: path + ".url")
            }
            if let interval = feed.refreshInterval {
                if let seconds = PolicyDuration.seconds(interval) {
                    if seconds < 60 { validator.add(path + ".refreshInterval", "must be at least 1m") }
                } else {
                    validator.add(path + ".refreshInterval", "\"\(interval)\" is not a duration like 1h, 30m or 90s")
                }
            }
        }
        validator.unique(feeds.map(\.name), at: { "\(root).feeds[\($0)].name" }, kind: "feed")
    }
}
