import Foundation
import GRDB
import KubeModel
import OperatorAPI

extension LocalStateStore {
    /// Applies one object: validated and defaulted as the CRDs are, then created, configured or
    /// left unchanged (no write at all). `source` names where it came from, for messages.
    @discardableResult
    public func apply(_ object: JSONValue, source: String) throws -> ApplyResult {
        try apply([LocalManifest(file: source, json: object)])[0]
    }

    /// Applies several objects in one transaction: every object is validated first (an invalid
    /// one fails the whole apply, naming every problem), then all are written or none is.
    /// `progress` is called inside the transaction after each object is written (for verbose logs).
    public func apply(_ manifests: [LocalManifest], namespace: String = "default", requireNamespace: Bool = false,
                      progress: ((Int, Int) -> Void)? = nil) throws -> [ApplyResult] {
        var prepared: [PreparedObject] = []
        var problems: [ManifestError] = []
        for manifest in manifests {
            do {
                prepared.append(try manifest.prepare(namespace: namespace, requireNamespace: requireNamespace))
            } catch let error as InvalidManifestError {
                problems += error.problems
            }
        }
        if !problems.isEmpty { throw InvalidManifestError(problems: problems) }
        return try apply(prepared: prepared, progress: progress)
    }

    /// Writes objects that `LocalManifest.prepare` produced, in one transaction.
    public func apply(prepared objects: [PreparedObject], progress: ((Int, Int) -> Void)? = nil) throws -> [ApplyResult] {
        let timestamp = Self.timestamp(now())
        return try write { db in
            var results: [ApplyResult] = []
            for (index, object) in objects.enumerated() {
                results.append(try apply(object, timestamp: timestamp, db))
                progress?(index + 1, objects.count)
            }
            return results
        }
    }

    private func apply(_ object: PreparedObject, timestamp: String, _ db: Database) throws -> ApplyResult {
        let spec = try canonical(object.spec)
        let labels = try canonical(try JSONValue(encoding: object.labels))
        let annotations = try canonical(try JSONValue(encoding: object.annotations))
        let key: StatementArguments = [object.kind.rawValue, object.namespace, object.name]
        let existing = try Row.fetchOne(db, sql: """
            SELECT generation, spec, labels, annotations, deletionTimestamp FROM objects WHERE kind = ? AND namespace = ? AND name = ?
            """, arguments: key)
        func result(_ outcome: ApplyOutcome, _ generation: Int64) -> ApplyResult {
            ApplyResult(kind: object.kind, namespace: object.namespace, name: object.name, outcome: outcome, generation: generation)
        }
        guard let existing else {
            let version = try nextVersion(db)
            try db.execute(sql: """
                INSERT INTO objects (kind, namespace, name, uid, generation, resourceVersion, creationTimestamp, labels, annotations, spec)
                VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?, ?)
                """, arguments: key + [UUID().uuidString.lowercased(), version, timestamp, labels, annotations, spec])
            return result(.created, 1)
        }
        if (existing["deletionTimestamp"] as String?) != nil {
            throw LocalStoreError.beingDeleted(object.kind, namespace: object.namespace, name: object.name)
        }
        var generation: Int64 = existing["generation"]
        let specChanged = (existing["spec"] as String) != spec
        guard specChanged || (existing["labels"] as String) != labels || (existing["annotations"] as String) != annotations else {
            return result(.unchanged, generation)
        }
        if specChanged { generation += 1 }
        let version = try nextVersion(db)
        try db.execute(sql: """
            UPDATE objects SET generation = ?, resourceVersion = ?, labels = ?, annotations = ?, spec = ?
            WHERE kind = ? AND namespace = ? AND name = ?
            """, arguments: [generation, version, labels, annotations, spec] + key)
        return result(.configured, generation)
    }

    /// Marks an object for deletion (sets its deletionTimestamp); the controller removes what it
    /// made, then calls `remove`. False when there is no such object; true (and no new write)
    /// when deletion was already requested.
    @discardableResult
    public func requestDeletion(_ kind: LocalKind, namespace: String, name: String) throws -> Bool {
        let timestamp = Self.timestamp(now())
        return try write { db in
            let key: StatementArguments = [kind.rawValue, namespace, name]
            guard let row = try Row.fetchOne(db, sql: "SELECT deletionTimestamp FROM objects WHERE kind = ? AND namespace = ? AND name = ?",
                                             arguments: key) else { return false }
            if (row["deletionTimestamp"] as String?) != nil { return true }
            let version = try nextVersion(db)
            try db.execute(sql: "UPDATE objects SET deletionTimestamp = ?, resourceVersion = ? WHERE kind = ? AND namespace = ? AND name = ?",
                           arguments: [timestamp, version] + key)
            return true
        }
    }

    /// Removes an object for good, with its policy acks and events (the controller calls this
    /// once everything the object owned is gone). Removing a missing object does nothing.
    public func remove(_ kind: LocalKind, namespace: String, name: String) throws {
        try write { db in
            try db.execute(sql: "DELETE FROM objects WHERE kind = ? AND namespace = ? AND name = ?", arguments: [kind.rawValue, namespace, name])
            guard db.changesCount > 0 else { return }
            if kind == .server {
                try db.execute(sql: "DELETE FROM policyAcks WHERE namespace = ? AND server = ?", arguments: [namespace, name])
            }
            try db.execute(sql: "DELETE FROM events WHERE kind = ? AND namespace = ? AND name = ?", arguments: [kind.rawValue, namespace, name])
            _ = try nextVersion(db)
        }
    }

    /// Replaces an object's status (the status subresource: generation stays). Returns false and
    /// writes nothing when the status is equal to the stored one; throws `notFound` when the
    /// object is gone.
    @discardableResult
    public func writeStatus(_ kind: LocalKind, namespace: String, name: String, status: JSONValue) throws -> Bool {
        let text = try canonical(status)
        return try write { db in
            let key: StatementArguments = [kind.rawValue, namespace, name]
            guard let row = try Row.fetchOne(db, sql: "SELECT status FROM objects WHERE kind = ? AND namespace = ? AND name = ?", arguments: key) else {
                throw LocalStoreError.notFound(kind, namespace: namespace, name: name)
            }
            if (row["status"] as String?) == text { return false }
            let version = try nextVersion(db)
            try db.execute(sql: "UPDATE objects SET status = ?, resourceVersion = ? WHERE kind = ? AND namespace = ? AND name = ?",
                           arguments: [text, version] + key)
            return true
        }
    }

    /// Records what a replica's gateway acknowledged (or the error of the last push). Returns
    /// false and writes nothing when version, hash and error are what is already recorded.
    @discardableResult
    public func recordPolicyAck(_ ack: PolicyAckRecord) throws -> Bool {
        try write { db in
            let key: StatementArguments = [ack.namespace, ack.server, ack.replica]
            if let row = try Row.fetchOne(db, sql: "SELECT version, sha256, error FROM policyAcks WHERE namespace = ? AND server = ? AND replica = ?",
                                          arguments: key),
               (row["version"] as String) == ack.version, (row["sha256"] as String?) == ack.sha256, (row["error"] as String?) == ack.error {
                return false
            }
            try db.execute(sql: """
                INSERT INTO policyAcks (namespace, server, replica, version, sha256, at, error) VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (namespace, server, replica) DO UPDATE SET version = excluded.version, sha256 = excluded.sha256,
                    at = excluded.at, error = excluded.error
                """, arguments: key + [ack.version, ack.sha256, ack.at.timeIntervalSince1970, ack.error])
            _ = try nextVersion(db)
            return true
        }
    }

    /// Forgets the acks of a server's replicas that no longer exist (all but `keeping`).
    public func removePolicyAcks(namespace: String, server: String, keeping replicas: Set<String> = []) throws {
        try write { db in
            let stale = try String.fetchAll(db, sql: "SELECT replica FROM policyAcks WHERE namespace = ? AND server = ?",
                                            arguments: [namespace, server]).filter { !replicas.contains($0) }
            guard !stale.isEmpty else { return }
            for replica in stale {
                try db.execute(sql: "DELETE FROM policyAcks WHERE namespace = ? AND server = ? AND replica = ?",
                               arguments: [namespace, server, replica])
            }
            _ = try nextVersion(db)
        }
    }

    /// Records an event about an object; a repeat of the object's last event (same type, reason
    /// and message) increments its count instead. The newest 50 events per object are kept.
    /// Events do not bump the change counter.
    public func recordEvent(_ kind: LocalKind, namespace: String, name: String, type: String, reason: String, message: String) throws {
        let at = now().timeIntervalSince1970
        try write { db in
            let key: StatementArguments = [kind.rawValue, namespace, name]
            if let last = try Row.fetchOne(db, sql: "SELECT id, type, reason, message FROM events WHERE kind = ? AND namespace = ? AND name = ? ORDER BY id DESC LIMIT 1",
                                           arguments: key),
               (last["type"] as String) == type, (last["reason"] as String) == reason, (last["message"] as String) == message {
                try db.execute(sql: "UPDATE events SET count = count + 1, lastSeen = ? WHERE id = ?", arguments: [at, last["id"] as Int64])
                return
            }
            try db.execute(sql: """
                INSERT INTO events (kind, namespace, name, type, reason, message, count, firstSeen, lastSeen) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)
                """, arguments: key + [type, reason, message, at, at])
            try db.execute(sql: """
                DELETE FROM events WHERE kind = ? AND namespace = ? AND name = ? AND id NOT IN
                    (SELECT id FROM events WHERE kind = ? AND namespace = ? AND name = ? ORDER BY id DESC LIMIT 50)
                """, arguments: key + key)
        }
    }

    func canonical(_ value: JSONValue) throws -> String {
        String(decoding: try value.canonicalData(), as: UTF8.self)
    }

    /// RFC 3339 in UTC with seconds, as Kubernetes writes timestamps.
    public static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}
