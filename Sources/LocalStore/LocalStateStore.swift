import Foundation
import GRDB
import KubeModel
import OperatorAPI

/// The local mode's desired and observed state: applied `MCPServer` and `MCPPolicy` objects with
/// Kubernetes-style uid, generation and resourceVersion, their status, the policy versions each
/// gateway acknowledged, and events. One SQLite file (WAL) in the state directory; every write is
/// one transaction, so a crashed writer leaves the previous state, and a second process waits up
/// to the busy timeout for the write lock, then fails with a message naming the file.
public final class LocalStateStore: Sendable {
    /// The SQLite file.
    public let path: String
    /// The state directory holding it.
    public let directory: String
    let busyTimeout: Duration
    let database: DatabaseQueue
    let now: @Sendable () -> Date

    /// The store file's name in the state directory.
    public static let fileName = "state.sqlite"

    /// `$XDG_DATA_HOME/mcp-operator`, else `~/.local/share/mcp-operator`.
    public static func defaultDirectory(environment: [String: String]) -> String {
        if let data = environment["XDG_DATA_HOME"], !data.isEmpty {
            return (data as NSString).appendingPathComponent("mcp-operator")
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return (home as NSString).appendingPathComponent(".local/share/mcp-operator")
    }

    /// Opens (creating and migrating when needed) the store in `directory`. Fails with a clear
    /// `LocalStoreError` when the file is not a store, was written by a newer mcpctl, or stays
    /// locked for longer than `busyTimeout`.
    public init(directory: String, busyTimeout: Duration = .seconds(5), now: @escaping @Sendable () -> Date = Date.init) throws {
        self.directory = directory
        self.path = (directory as NSString).appendingPathComponent(Self.fileName)
        self.busyTimeout = busyTimeout
        self.now = now
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw LocalStoreError.database(file: path, detail: "cannot create the state directory: \(error.localizedDescription)")
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(Double(busyTimeout.components.seconds) + Double(busyTimeout.components.attoseconds) / 1e18)
        configuration.journalMode = .wal
        configuration.label = "mcp-operator state"
        let path = self.path
        let timeout = busyTimeout
        database = try Self.mapping(path: path, timeout: timeout) {
            try DatabaseQueue(path: path, configuration: configuration)
        }
        try Self.mapping(path: path, timeout: timeout) {
            try FileLock.withExclusiveLock(path: path + ".migrate.lock", timeout: timeout) {
                try self.database.read { db in
                    if try Self.migrator.hasBeenSuperseded(db) { throw LocalStoreError.newerSchema(file: path) }
                }
                try Self.migrator.migrate(self.database)
            }
        }
    }

    /// The schema migrations this build knows, oldest first.
    public static var migrationIdentifiers: [String] { migrator.migrations }

    /// The migrations recorded in the file, oldest first.
    public func appliedMigrations() throws -> [String] {
        try read { db in try Self.migrator.appliedMigrations(db) }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-objects-and-acks") { db in
            try db.execute(sql: """
                CREATE TABLE counter (id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER NOT NULL);
                INSERT INTO counter (id, value) VALUES (1, 0);
                CREATE TABLE objects (
                    kind TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT NOT NULL,
                    uid TEXT NOT NULL UNIQUE, generation INTEGER NOT NULL, resourceVersion INTEGER NOT NULL,
                    creationTimestamp TEXT NOT NULL, deletionTimestamp TEXT,
                    labels TEXT NOT NULL, annotations TEXT NOT NULL, spec TEXT NOT NULL, status TEXT,
                    PRIMARY KEY (kind, namespace, name));
                CREATE TABLE policyAcks (
                    namespace TEXT NOT NULL, server TEXT NOT NULL, replica TEXT NOT NULL,
                    version TEXT NOT NULL, sha256 TEXT, at REAL NOT NULL, error TEXT,
                    PRIMARY KEY (namespace, server, replica));
                """)
        }
        migrator.registerMigration("v2-events") { db in
            try db.execute(sql: """
                CREATE TABLE events (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    kind TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT NOT NULL,
                    type TEXT NOT NULL, reason TEXT NOT NULL, message TEXT NOT NULL,
                    count INTEGER NOT NULL, firstSeen REAL NOT NULL, lastSeen REAL NOT NULL);
                CREATE INDEX eventsByObject ON events (kind, namespace, name, id);
                """)
        }
        return migrator
    }

    // MARK: Reads

    /// The object, or nil when there is none.
    public func get(_ kind: LocalKind, namespace: String, name: String) throws -> StoredObject? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM objects WHERE kind = ? AND namespace = ? AND name = ?",
                             arguments: [kind.rawValue, namespace, name]).map { try self.storedObject($0) }
        }
    }

    /// Every object of a kind, in one namespace or (nil) all, ordered by namespace and name.
    public func list(_ kind: LocalKind, namespace: String?) throws -> [StoredObject] {
        try read { db in
            let rows: [Row]
            if let namespace {
                rows = try Row.fetchAll(db, sql: "SELECT * FROM objects WHERE kind = ? AND namespace = ? ORDER BY namespace, name",
                                        arguments: [kind.rawValue, namespace])
            } else {
                rows = try Row.fetchAll(db, sql: "SELECT * FROM objects WHERE kind = ? ORDER BY namespace, name", arguments: [kind.rawValue])
            }
            return try rows.map { try self.storedObject($0) }
        }
    }

    /// Increases on every write to objects, their status or policy acks (events excepted, so that
    /// recording one does not wake the controller); the controller polls it.
    public func changeCounter() throws -> Int64 {
        try read { db in try Int64.fetchOne(db, sql: "SELECT value FROM counter WHERE id = 1") ?? 0 }
    }

    /// The acknowledgements of every replica of a server, by replica name.
    public func policyAcks(namespace: String, server: String) throws -> [PolicyAckRecord] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM policyAcks WHERE namespace = ? AND server = ? ORDER BY replica",
                             arguments: [namespace, server]).map { row in
                PolicyAckRecord(namespace: row["namespace"], server: row["server"], replica: row["replica"], version: row["version"],
                                sha256: row["sha256"], at: Date(timeIntervalSince1970: row["at"]), error: row["error"])
            }
        }
    }

    /// The most recent events of an object, oldest first.
    public func events(_ kind: LocalKind, namespace: String, name: String, limit: Int = 20) throws -> [LocalEvent] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM (SELECT * FROM events WHERE kind = ? AND namespace = ? AND name = ? ORDER BY id DESC LIMIT ?) ORDER BY id
                """, arguments: [kind.rawValue, namespace, name, limit]).map { row in
                LocalEvent(kind: kind, namespace: namespace, name: name, type: row["type"], reason: row["reason"], message: row["message"],
                           count: row["count"], firstSeen: Date(timeIntervalSince1970: row["firstSeen"]),
                           lastSeen: Date(timeIntervalSince1970: row["lastSeen"]))
            }
        }
    }

    func storedObject(_ row: Row) throws -> StoredObject {
        let kindName: String = row["kind"]
        guard let kind = LocalKind(rawValue: kindName) else {
            throw LocalStoreError.unreadable(file: path, detail: "unknown kind \(kindName)")
        }
        let namespace: String = row["namespace"]
        let name: String = row["name"]
        let uid: String = row["uid"]
        let generation: Int64 = row["generation"]
        let resourceVersion: Int64 = row["resourceVersion"]
        let created: String = row["creationTimestamp"]
        let deleted: String? = row["deletionTimestamp"]
        let labels = try json(row["labels"])
        let annotations = try json(row["annotations"])
        let spec = try json(row["spec"])
        let status = try (row["status"] as String?).map { try json($0) }
        var metadata: JSONValue = [
            "name": .string(name), "namespace": .string(namespace), "uid": .string(uid),
            "generation": .number(Double(generation)), "resourceVersion": .string(String(resourceVersion)),
            "creationTimestamp": .string(created),
        ]
        if let deleted { metadata["deletionTimestamp"] = .string(deleted) }
        if labels.objectValue?.isEmpty == false { metadata["labels"] = labels }
        if annotations.objectValue?.isEmpty == false { metadata["annotations"] = annotations }
        var object: JSONValue = ["apiVersion": .string(OperatorGroup.apiVersion), "kind": .string(kind.rawValue),
                                 "metadata": metadata, "spec": spec]
        if let status { object["status"] = status }
        return StoredObject(kind: kind, namespace: namespace, name: name, uid: uid, generation: generation,
                            resourceVersion: resourceVersion, creationTimestamp: created, deletionTimestamp: deleted,
                            object: object, status: status)
    }

    func json(_ text: String) throws -> JSONValue {
        do {
            return try JSONValue(parsing: Data(text.utf8))
        } catch {
            throw LocalStoreError.unreadable(file: path, detail: "invalid JSON: \(error)")
        }
    }

    // MARK: Transactions

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        try Self.mapping(path: path, timeout: busyTimeout) { try database.read(body) }
    }

    /// Runs `body` in one IMMEDIATE transaction: it takes the write lock first (waiting up to the
    /// busy timeout), so the reads inside see what the writes change.
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        try Self.mapping(path: path, timeout: busyTimeout) {
            var result: T?
            try database.inTransaction(.immediate) { db in
                result = try body(db)
                return .commit
            }
            return result!
        }
    }

    /// Bumps the change counter and returns its new value, the resourceVersion of the write.
    func nextVersion(_ db: Database) throws -> Int64 {
        try db.execute(sql: "UPDATE counter SET value = value + 1 WHERE id = 1")
        return try Int64.fetchOne(db, sql: "SELECT value FROM counter WHERE id = 1") ?? 0
    }

    static func mapping<T>(path: String, timeout: Duration, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DatabaseError {
            switch error.resultCode {
            case .SQLITE_BUSY, .SQLITE_LOCKED:
                throw LocalStoreError.busy(file: path, waited: timeout)
            case .SQLITE_NOTADB, .SQLITE_CORRUPT:
                throw LocalStoreError.notADatabase(file: path, detail: error.message ?? "\(error.resultCode)")
            default:
                throw LocalStoreError.database(file: path, detail: error.message ?? "\(error)")
            }
        }
    }
}
