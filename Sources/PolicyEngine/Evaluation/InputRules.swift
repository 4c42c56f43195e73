/// The input-validation layer compiled: size and depth limits, the enabled detectors, and the
/// custom patterns with the argument fields they cover.
struct InputRules: Sendable {
    struct Pattern: Sendable {
        let name: String
        let regex: PolicyRegex
        /// Field globs; nil when the pattern covers every field.
        let fields: [Glob]?
    }

    let maxBytes: Int
    let maxDepth: Int
    let detector: InjectionDetector?
    let patterns: [Pattern]
    private let needsPaths: Bool

    init(_ settings: PolicyDocument.InputValidation) {
        maxBytes = settings.maxArgumentBytes ?? 1_048_576
        maxDepth = settings.maxDepth ?? 32
        let classes = (settings.detectors ?? PolicyDocument.Detectors()).enabledClasses
        detector = classes.isEmpty ? nil : InjectionDetector(classes: classes)
        patterns = (settings.customPatterns ?? []).compactMap { pattern in
            guard let regex = try? PolicyRegex(pattern.pattern) else { return nil }
            let fields = pattern.fields ?? ["*"]
            let everything = fields.contains("*")
            return Pattern(name: pattern.name, regex: regex, fields: everything ? nil : fields.compactMap { try? Glob($0) })
        }
        needsPaths = patterns.contains { $0.fields != nil }
    }

    /// The first violation in `arguments`, or nil.
    func check(_ arguments: PolicyJSON) -> Decision? {
        let size = arguments.canonicalByteCount(limit: maxBytes)
        if size > maxBytes {
            return .deny("inputValidation.maxArgumentBytes", "arguments exceed \(maxBytes) bytes")
        }
        if Self.exceedsDepth(arguments, limit: maxDepth) {
            return .deny("inputValidation.maxDepth", "arguments nest deeper than \(maxDepth) levels")
        }
        guard detector != nil || !patterns.isEmpty else { return nil }
        var path: [String] = []
        return scan(arguments, path: &path)
    }

    static func exceedsDepth(_ value: PolicyJSON, limit: Int) -> Bool {
        switch value {
        case .array(let elements):
            return limit < 1 || elements.contains { exceedsDepth($0, limit: limit - 1) }
        case .object(let members):
            return limit < 1 || members.values.contains { exceedsDepth($0, limit: limit - 1) }
        default:
            return false
        }
    }

    private func scan(_ value: PolicyJSON, path: inout [String]) -> Decision? {
        switch value {
        case .string(let text):
            return checkString(text, path: path)
        case .array(let elements):
            for element in elements {
                if let denial = scan(element, path: &path) { return denial }
            }
        case .object(let members):
            for key in members.keys.sorted() {
                path.append(key)
                defer { path.removeLast() }
                if let denial = checkString(key, path: path) { return denial }
                if let denial = scan(members[key]!, path: &path) { return denial }
            }
        default:
            break
        }
        return nil
    }

    private func checkString(_ text: String, path: [String]) -> Decision? {
        if let detector, let found = detector.detect(text) {
            return .deny(
                "inputValidation.\(found.rawValue)",
                "argument \(Self.describe(path)) looks like \(found.displayName)")
        }
        guard !patterns.isEmpty else { return nil }
        let joined = needsPaths ? path.joined(separator: ".") : ""
        for pattern in patterns {
            if let fields = pattern.fields, !fields.contains(where: { $0.matches(joined) }) { continue }
            if pattern.regex.matches(text) {
                return .deny(
                    "inputValidation.customPatterns.\(pattern.name)",
                    "argument \(Self.describe(path)) matches the pattern \"\(pattern.name)\"")
            }
        }
        return nil
    }

    private static func describe(_ path: [String]) -> String {
        path.isEmpty ? "(top level)" : "\"\(path.joined(separator: "."))\""
    }
}
