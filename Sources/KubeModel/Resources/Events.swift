/// A report of something that happened to an object (events.k8s.io/v1 Event).
public struct Event: KubernetesResource, Hashable {
    public static let resourceType = ResourceType(
        group: "events.k8s.io", version: "v1", plural: "events", kind: "Event", namespaced: true)

    public var apiVersion: String = "events.k8s.io/v1"
    public var kind: String = "Event"
    public var metadata: ObjectMeta
    /// When the event was first observed (MicroTime). Required when creating;
    /// `null` on events written through the older core/v1 API.
    public var eventTime: String?
    /// Set when the event repeats.
    public var series: EventSeries?
    /// The controller that reported the event, such as `mcpoperator.io/operator`.
    public var reportingController: String?
    /// The reporting controller's instance, such as its pod name.
    public var reportingInstance: String?
    /// What was done or failed, in CamelCase.
    public var action: String?
    /// Why, in CamelCase.
    public var reason: String?
    /// The object the event is about.
    public var regarding: ObjectReference?
    /// A second object involved, if any.
    public var related: ObjectReference?
    /// A human-readable description, at most 1 kB.
    public var note: String?
    /// `Normal` or `Warning`.
    public var type: String?
    public var deprecatedSource: EventSource?
    public var deprecatedFirstTimestamp: String?
    public var deprecatedLastTimestamp: String?
    public var deprecatedCount: Int?

    public init(
        metadata: ObjectMeta = ObjectMeta(),
        eventTime: String? = nil,
        series: EventSeries? = nil,
        reportingController: String? = nil,
        reportingInstance: String? = nil,
        action: String? = nil,
        reason: String? = nil,
        regarding: ObjectReference? = nil,
        related: ObjectReference? = nil,
        note: String? = nil,
        type: String? = nil,
        deprecatedSource: EventSource? = nil,
        deprecatedFirstTimestamp: String? = nil,
        deprecatedLastTimestamp: String? = nil,
        deprecatedCount: Int? = nil
    ) {
        self.metadata = metadata
        self.eventTime = eventTime
        self.series = series
        self.reportingController = reportingController
        self.reportingInstance = reportingInstance
        self.action = action
        self.reason = reason
        self.regarding = regarding
        self.related = related
        self.note = note
        self.type = type
        self.deprecatedSource = deprecatedSource
        self.deprecatedFirstTimestamp = deprecatedFirstTimestamp
        self.deprecatedLastTimestamp = deprecatedLastTimestamp
        self.deprecatedCount = deprecatedCount
    }

    private enum CodingKeys: String, CodingKey {
        case apiVersion, kind, metadata, eventTime, series, reportingController, reportingInstance, action, reason,
            regarding, related, note, type, deprecatedSource, deprecatedFirstTimestamp, deprecatedLastTimestamp,
            deprecatedCount
    }

    /// Decodes the object, tolerating a missing `apiVersion`, `kind` or `metadata`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        apiVersion = try container.decodeIfPresent(String.self, forKey: .apiVersion) ?? "events.k8s.io/v1"
        kind = try container.decodeIfPresent(String.self, forKey: .kind) ?? "Event"
        metadata = try container.decodeIfPresent(ObjectMeta.self, forKey: .metadata) ?? ObjectMeta()
        eventTime = try container.decodeIfPresent(String.self, forKey: .eventTime)
        series = try container.decodeIfPresent(EventSeries.self, forKey: .series)
        reportingController = try container.decodeIfPresent(String.self, forKey: .reportingController)
        reportingInstance = try container.decodeIfPresent(String.self, forKey: .reportingInstance)
        action = try container.decodeIfPresent(String.self, forKey: .action)
        reason = try container.decodeIfPresent(String.self, forKey: .reason)
        regarding = try container.decodeIfPresent(ObjectReference.self, forKey: .regarding)
        related = try container.decodeIfPresent(ObjectReference.self, forKey: .related)
        note = try container.decodeIfPresent(String.self, forKey: .note)
        type = try container.decodeIfPresent(String.self, forKey: .type)
        deprecatedSource = try container.decodeIfPresent(EventSource.self, forKey: .deprecatedSource)
        deprecatedFirstTimestamp = try container.decodeIfPresent(String.self, forKey: .deprecatedFirstTimestamp)
        deprecatedLastTimestamp = try container.decodeIfPresent(String.self, forKey: .deprecatedLastTimestamp)
        deprecatedCount = try container.decodeIfPresent(Int.self, forKey: .deprecatedCount)
    }
}

/// How often an event has repeated and when it was last seen.
public struct EventSeries: Codable, Sendable, Hashable {
    public var count: Int
    /// MicroTime.
    public var lastObservedTime: String

    public init(count: Int, lastObservedTime: String) {
        self.count = count
        self.lastObservedTime = lastObservedTime
    }
}

/// The component that reported an event (core/v1 field).
public struct EventSource: Codable, Sendable, Hashable {
    public var component: String?
    public var host: String?

    public init(component: String? = nil, host: String? = nil) {
        self.component = component
        self.host = host
    }
}
