/// Who is writing and how: the query parameters and headers that shape a write.
struct WriteContext: Sendable, Hashable {
    /// `?fieldManager=`.
    var fieldManager: String?
    /// The `User-Agent` header; its product name is the manager of writes without `fieldManager`.
    var userAgent: String?
    /// `?force=` (server-side apply only).
    var force: Bool?
    /// `?dryRun=All`: validate and answer, store nothing.
    var dryRun: Bool = false

    init(fieldManager: String? = nil, userAgent: String? = nil, force: Bool? = nil, dryRun: Bool = false) {
        self.fieldManager = fieldManager
        self.userAgent = userAgent
        self.force = force
        self.dryRun = dryRun
    }

    /// The manager recorded for a non-apply write: `fieldManager`, else the user agent's product
    /// name (the part before the first `/`, as the real server derives it), else `unknown`.
    var managerName: String {
        if let fieldManager, !fieldManager.isEmpty { return fieldManager }
        if let product = userAgent?.split(separator: "/").first, !product.isEmpty { return String(product) }
        return "unknown"
    }
}
