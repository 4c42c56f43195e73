import Foundation
import KubeModel
import PolicyEngine

/// The bounds the schema and the Swift validation share.
public enum MCPServerLimits {
    /// Plugin names are DNS labels short enough that `<server>-plugin-<name>` stays a valid name.
    public static let pluginNameMaxLength = 20
    /// The most plugins one server may have.
    public static let maxPlugins = 16
    /// The most replicas.
    public static let maxReplicas = 1000
    /// A DNS-1123 label.
    public static let dnsLabelPattern = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"
    /// A Kubernetes resource quantity (`500m`, `1`, `256Mi`, `1e9`).
    public static let quantityPattern = "^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$"
    /// An Origin as browsers send it (`scheme://host[:port]`, no path), or `*`.
    public static let originPattern = "^(\\*|https?://[^/\\s]+)$"
    /// Server names leave room for `-plugin-` and a plugin name in a 63-character child name.
    public static let nameMaxLength = 63 - "-plugin-".count - pluginNameMaxLength
}

extension MCPServer {
    /// Every problem with the object, by field path; empty when valid. The same rules as the CRD's
    /// schema and CEL validations, for local mode, which has no API server to apply them.
    public func validate() -> [FieldIssue] {
        var issues: [FieldIssue] = []
        let name = metadata.name ?? ""
        if name.isEmpty {
            issues.append(FieldIssue("metadata.name", "is required"))
        } else if !isDNSLabel(name, maxLength: MCPServerLimits.nameMaxLength) {
            issues.append(FieldIssue("metadata.name",
                                     "must be a DNS label (lowercase letters, digits, '-') of at most \(MCPServerLimits.nameMaxLength) characters"))
        } else if !("a"..."z").contains(name.unicodeScalars.first!) {
            issues.append(FieldIssue("metadata.name", "must start with a letter (it names the server's Service, a DNS-1035 label)"))
        }
        issues += spec.validate(path: "spec")
        return issues
    }

    /// Throws `ResourceValidationError` when `validate()` finds anything.
    public func validateOrThrow() throws {
        let issues = validate()
        guard issues.isEmpty else {
            throw ResourceValidationError(kind: "MCPServer", object: "\(metadata.namespace ?? "default")/\(metadata.name ?? "")", issues: issues)
        }
    }

    /// The object with every default written out (as the API server's structural defaulting does).
    public func withDefaults() -> MCPServer {
        var copy = self
        copy.spec = spec.withDefaults()
        return copy
    }
}

extension MCPServerSpec {
    func validate(path: String) -> [FieldIssue] {
        var issues: [FieldIssue] = []
        if image.trimmingCharacters(in: .whitespaces).isEmpty {
            issues.append(FieldIssue("\(path).image", "is required"))
        } else if !isImageReference(image) {
            issues.append(FieldIssue("\(path).image", "\"\(image)\" is not a valid image reference"))
        }
        let transport = self.transport ?? .stdio
        issues += validateEndpoint(transport: transport, port: port, path: self.path, at: path)
        if let replicas, !(0...MCPServerLimits.maxReplicas).contains(replicas) {
            issues.append(FieldIssue("\(path).replicas", "must be between 0 and \(MCPServerLimits.maxReplicas)"))
        }
        if let autoscaling {
            let minimum = autoscaling.minReplicas ?? 1
            if minimum < 1 { issues.append(FieldIssue("\(path).autoscaling.minReplicas", "must be at least 1")) }
            if autoscaling.maxReplicas > MCPServerLimits.maxReplicas {
                issues.append(FieldIssue("\(path).autoscaling.maxReplicas", "must be at most \(MCPServerLimits.maxReplicas)"))
            }
            if autoscaling.maxReplicas < minimum {
                issues.append(FieldIssue("\(path).autoscaling.maxReplicas", "must be greater than or equal to minReplicas (\(minimum))"))
            }
            for (field, value) in [("targetCPUUtilizationPercentage", autoscaling.targetCPUUtilizationPercentage),
                                   ("targetMemoryUtilizationPercentage", autoscaling.targetMemoryUtilizationPercentage)] {
                if let value, !(1...100).contains(value) {
                    issues.append(FieldIssue("\(path).autoscaling.\(field)", "must be between 1 and 100"))
                }
            }
        }
        issues += Self.validateResources(resources, at: "\(path).resources")
        let plugins = self.plugins ?? []
        if plugins.count > MCPServerLimits.maxPlugins {
            issues.append(FieldIssue("\(path).plugins", "must have at most \(MCPServerLimits.maxPlugins) items"))
        }
        var seen: Set<String> = []
        for (index, plugin) in plugins.enumerated() {
            let at = "\(path).plugins[\(index)]"
            if !isDNSLabel(plugin.name, maxLength: MCPServerLimits.pluginNameMaxLength) {
                issues.append(FieldIssue("\(at).name", "must be a DNS label of at most \(MCPServerLimits.pluginNameMaxLength) characters"))
            } else if !seen.insert(plugin.name).inserted {
                issues.append(FieldIssue("\(at).name", "duplicate plugin name \"\(plugin.name)\""))
            }
            if !isImageReference(plugin.image) {
                issues.append(FieldIssue("\(at).image", "\"\(plugin.image)\" is not a valid image reference"))
            }
            issues += validateEndpoint(transport: plugin.transport ?? .streamableHTTP, port: plugin.port, path: plugin.path, at: at)
            issues += Self.validateResources(plugin.resources, at: "\(at).resources")
            for (ruleIndex, rule) in (plugin.egress?.allow ?? []).enumerated() {
                let ruleAt = "\(at).egress.allow[\(ruleIndex)]"
                do { _ = try CIDR(parsing: rule.cidr) } catch {
                    issues.append(FieldIssue("\(ruleAt).cidr", "\(error)"))
                }
                for (portIndex, port) in (rule.ports ?? []).enumerated() where !(1...65535).contains(port) {
                    issues.append(FieldIssue("\(ruleAt).ports[\(portIndex)]", "must be between 1 and 65535"))
                }
            }
        }
        for (index, reference) in (policyRefs ?? []).enumerated() where !isDNSSubdomain(reference) {
            issues.append(FieldIssue("\(path).policyRefs[\(index)]", "\"\(reference)\" is not a valid object name"))
        }
        if let gateway {
            if let type = gateway.serviceType, !["ClusterIP", "NodePort", "LoadBalancer"].contains(type) {
                issues.append(FieldIssue("\(path).gateway.serviceType", "must be ClusterIP, NodePort or LoadBalancer"))
            }
            if let port = gateway.port, !(1...65535).contains(port) {
                issues.append(FieldIssue("\(path).gateway.port", "must be between 1 and 65535"))
            }
            if let image = gateway.image, !isImageReference(image) {
                issues.append(FieldIssue("\(path).gateway.image", "\"\(image)\" is not a valid image reference"))
            }
            issues += Self.validateResources(gateway.resources, at: "\(path).gateway.resources")
            for (index, origin) in (gateway.allowedOrigins ?? []).enumerated() where origin.range(of: MCPServerLimits.originPattern, options: .regularExpression) == nil {
                issues.append(FieldIssue("\(path).gateway.allowedOrigins[\(index)]",
                                         "\"\(origin)\" is not an origin (scheme://host[:port] with http or https, no path; or *)"))
            }
        }
        return issues
    }

    /// Each request and limit is a quantity.
    private static func validateResources(_ resources: ResourceRequirements?, at path: String) -> [FieldIssue] {
        var issues: [FieldIssue] = []
        for (section, values) in [("limits", resources?.limits), ("requests", resources?.requests)] {
            for (name, quantity) in (values ?? [:]).sorted(by: { $0.key < $1.key })
            where quantity.text.range(of: MCPServerLimits.quantityPattern, options: .regularExpression) == nil {
                issues.append(FieldIssue("\(path).\(section).\(name)", "\"\(quantity.text)\" is not a quantity (such as 500m, 1, 256Mi or 1Gi)"))
            }
        }
        return issues
    }

    private func validateEndpoint(transport: MCPTransport, port: Int?, path: String?, at: String) -> [FieldIssue] {
        var issues: [FieldIssue] = []
        if transport.isHTTP, port == nil {
            issues.append(FieldIssue("\(at).port", "is required when transport is \(transport.rawValue)"))
        }
        if let port, !(1...65535).contains(port) {
            issues.append(FieldIssue("\(at).port", "must be between 1 and 65535"))
        }
        if let path, !path.hasPrefix("/") {
            issues.append(FieldIssue("\(at).path", "must start with '/'"))
        }
        return issues
    }

    /// The spec with defaults written out.
    public func withDefaults() -> MCPServerSpec {
        var copy = self
        copy.transport = transport ?? .stdio
        if copy.transport!.isHTTP, copy.path == nil { copy.path = copy.transport!.defaultPath }
        if autoscaling == nil, replicas == nil { copy.replicas = 1 }
        if var autoscaling = copy.autoscaling, autoscaling.minReplicas == nil {
            autoscaling.minReplicas = 1
            copy.autoscaling = autoscaling
        }
        copy.sessionAffinity = sessionAffinity ?? MCPServerSpec.SessionAffinity.none
        copy.plugins = plugins?.map { plugin in
            var plugin = plugin
            plugin.transport = plugin.transport ?? .streamableHTTP
            if plugin.transport!.isHTTP, plugin.path == nil { plugin.path = plugin.transport!.defaultPath }
            return plugin
        }
        return copy
    }
}

extension MCPPolicy {
    /// Every problem with the policy, by field path (`spec.roles[0].allowTools[1]`), from the same
    /// policy engine the gateways run.
    public func validate() -> [FieldIssue] {
        var issues: [FieldIssue] = []
        if (metadata.name ?? "").isEmpty { issues.append(FieldIssue("metadata.name", "is required")) }
        issues += spec.validate(root: "spec").map { FieldIssue($0.path, $0.message) }
        return issues
    }

    /// Throws `ResourceValidationError` when `validate()` finds anything.
    public func validateOrThrow() throws {
        let issues = validate()
        guard issues.isEmpty else {
            throw ResourceValidationError(kind: "MCPPolicy", object: "\(metadata.namespace ?? "default")/\(metadata.name ?? "")", issues: issues)
        }
    }
}

func isDNSLabel(_ text: String, maxLength: Int = 63) -> Bool {
    guard !text.isEmpty, text.count <= maxLength else { return false }
    let scalars = Array(text.unicodeScalars)
    func allowed(_ scalar: Unicode.Scalar) -> Bool { ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) }
    guard allowed(scalars.first!), allowed(scalars.last!) else { return false }
    return scalars.allSatisfy { allowed($0) || $0 == "-" }
}

func isDNSSubdomain(_ text: String) -> Bool {
    guard !text.isEmpty, text.count <= 253 else { return false }
    return text.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { isDNSLabel(String($0)) }
}

/// A container image reference: `[registry[:port]/]path[:tag][@sha256:digest]`, lowercase path.
func isImageReference(_ text: String) -> Bool {
    guard !text.isEmpty, text.count <= 512, !text.contains(where: \.isWhitespace) else { return false }
    var rest = Substring(text)
    if let at = rest.firstIndex(of: "@") {
        let digest = rest[rest.index(after: at)...]
        guard digest.hasPrefix("sha256:"), digest.dropFirst(7).count == 64, digest.dropFirst(7).allSatisfy(\.isHexDigit) else { return false }
        rest = rest[..<at]
    }
    var components = rest.split(separator: "/", omittingEmptySubsequences: false)
    guard let last = components.last else { return false }
    if let colon = last.lastIndex(of: ":") {
        let tag = last[last.index(after: colon)...]
        guard !tag.isEmpty, tag.count <= 128, tag.allSatisfy({ $0.isLetter || $0.isNumber || "_.-".contains($0) }), tag.first != "." && tag.first != "-" else { return false }
        components[components.count - 1] = last[..<colon]
    }
    // A first component with a dot, a colon or "localhost" is a registry host.
    if components.count > 1, let first = components.first, first.contains(".") || first.contains(":") || first == "localhost" {
        components.removeFirst()
    }
    return components.allSatisfy { component in
        guard let first = component.first, first.isASCII, first.isLetter || first.isNumber else { return false }
        return component.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || "._-".contains($0)) }
    }
}
