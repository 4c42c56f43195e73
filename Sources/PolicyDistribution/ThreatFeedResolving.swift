import PolicyEngine

/// What the policy renderer needs from threat-intelligence feeds: the blocks of the feeds a policy
/// names (from each feed's last good content) and word when a feed's content changes, so the
/// policies that use it are rendered and pushed again. `ThreatFeedCache` is the implementation;
/// tests may substitute their own.
public protocol ThreatFeedResolving: Sendable {
    /// The blocks of every feed named (deduplicated, in a stable order), from last good content;
    /// a feed not seen before is loaded first. A feed that has never loaded contributes nothing and
    /// is reported in `problems`. `namespace` is the policy's (ConfigMap feeds are read from it).
    func resolve(_ feeds: [PolicyDocument.Feed], namespace: String) async -> FeedResolution

    /// Identities (`FeedIdentity`) of feeds whose content changed after a refresh, as they change.
    func contentChanges() -> AsyncStream<FeedIdentity>

    /// Stops refreshing, and forgets the content of, every feed not in `inUse` (the feeds the
    /// current policies name), so a feed dropped from every policy is no longer fetched. A feed
    /// resolved very recently is kept: a policy naming it may be newer than the caller's view.
    func retainOnly(_ inUse: Set<FeedIdentity>) async
}

extension FeedIdentity {
    /// The feeds `policies` name, each in its policy's namespace.
    public static func named(by policies: some Sequence<(feeds: [PolicyDocument.Feed], namespace: String)>) -> Set<FeedIdentity> {
        var identities = Set<FeedIdentity>()
        for policy in policies {
            for feed in policy.feeds { if let identity = FeedIdentity(feed, namespace: policy.namespace) { identities.insert(identity) } }
        }
        return identities
    }
}

/// A feed's identity across policies: a ConfigMap key in a namespace, or a URL.
public enum FeedIdentity: Sendable, Hashable, CustomStringConvertible {
    case configMap(namespace: String, name: String, key: String)
    case url(String)

    /// The identity of a descriptor in a policy of `namespace`; nil when it names neither source.
    public init?(_ feed: PolicyDocument.Feed, namespace: String) {
        if let reference = feed.configMapRef {
            self = .configMap(namespace: namespace, name: reference.name, key: reference.key)
        } else if let url = feed.url {
            self = .url(url)
        } else {
            return nil
        }
    }

    public var description: String {
        switch self {
        case .configMap(let namespace, let name, let key): return "configmap \(namespace)/\(name) key \(key)"
        case .url(let url): return url
        }
    }
}

/// The result of resolving a policy's feeds.
public struct FeedResolution: Sendable, Hashable {
    /// The blocks to deny, merged from every feed.
    public var denyCIDRs: [String]
    /// Feeds that failed to load or refresh (last good content, if any, is still in `denyCIDRs`).
    public var problems: [FeedProblem]

    public init(denyCIDRs: [String] = [], problems: [FeedProblem] = []) {
        self.denyCIDRs = denyCIDRs
        self.problems = problems
    }
}

/// A feed that could not be fetched or parsed, named as in the policy.
public struct FeedProblem: Sendable, Hashable {
    /// The feed's `name` in the policy.
    public var feed: String
    /// What went wrong, with the source (URL or ConfigMap key) and, for parse errors, the line.
    public var message: String

    public init(feed: String, message: String) {
        self.feed = feed
        self.message = message
    }
}
