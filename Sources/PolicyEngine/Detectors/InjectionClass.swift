/// The kinds of injection the input detectors recognise.
public enum InjectionClass: String, Sendable, Hashable, CaseIterable, Codable {
    /// SQL injection.
    case sqlInjection
    /// Cross-site scripting.
    case xss
    /// Path traversal.
    case pathTraversal
    /// Shell command injection.
    case commandInjection

    /// A short human name, for denial reasons.
    public var displayName: String {
        switch self {
        case .sqlInjection: "SQL injection"
        case .xss: "cross-site scripting"
        case .pathTraversal: "path traversal"
        case .commandInjection: "command injection"
        }
    }
}

/// Heuristic detectors for injection payloads in string arguments, in the spirit of
/// libinjection: they look for the *structure* of an attack (a quote that closes a string and is
/// followed by SQL, a tag with an event handler, a run of `../` towards system files, a shell
/// separator followed by a command and shell-shaped arguments) rather than for words, so that
/// prose, code snippets, SQL-looking sentences and file names pass. Each runs in time linear in
/// the text, on the text as given and once more after percent, HTML-entity and backslash-escape
/// decoding when the text contains any of those.
public struct InjectionDetector: Sendable, Hashable {
    /// The classes this detector checks, in the order they are checked.
    public let classes: [InjectionClass]

    /// A detector for the given classes (all by default).
    public init(classes: some Sequence<InjectionClass> = InjectionClass.allCases) {
        let wanted = Set(classes)
        self.classes = InjectionClass.allCases.filter(wanted.contains)
    }

    /// The first enabled class whose detector flags `text`, or nil when the text looks benign.
    public func detect(_ text: String) -> InjectionClass? {
        guard !text.isEmpty else { return nil }
        let variants = DetectorText(text)
        for injectionClass in classes where Self.flags(injectionClass, variants) {
            return injectionClass
        }
        return nil
    }

    /// Whether the detector for one class flags `text`.
    public static func flags(_ injectionClass: InjectionClass, in text: String) -> Bool {
        flags(injectionClass, DetectorText(text))
    }

    static func flags(_ injectionClass: InjectionClass, _ text: DetectorText) -> Bool {
        switch injectionClass {
        case .sqlInjection: text.variants.contains(where: SQLInjectionDetector.flags)
        case .xss: text.variants.contains(where: XSSDetector.flags)
        case .pathTraversal: PathTraversalDetector.flags(text)
        case .commandInjection: text.variants.contains(where: CommandInjectionDetector.flags)
        }
    }
}
