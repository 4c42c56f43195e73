import KubeClient

/// Server-side apply and the field ownership that every write records, over JSON objects.
///
/// Simplifications against the real structured-merge-diff (documented for test authors):
/// - lists are atomic: an applied list replaces the live list whole, and one manager owns it all;
/// - objects merge recursively, key by key, with no schema (every object is a granular map);
/// - a `null` in an applied configuration removes the field and is not owned.
enum ServerSideApply {
    /// A field another manager owns with a different value.
    struct Conflict: Sendable, Hashable {
        var entry: FieldManagerEntry
        var path: FieldPath
    }

    /// The result of an apply: the merged object (with `metadata.managedFields` updated) or the conflicts.
    enum Outcome: Sendable {
        case merged(JSONValue)
        case conflicts([Conflict])
    }

    /// Applies `applied` for `manager` onto `live`.
    ///
    /// - Parameters:
    ///   - live: The current object (a skeleton with identity only when creating).
    ///   - applied: The applied configuration; system metadata and out-of-scope parts are ignored.
    ///   - force: Take ownership of conflicting fields instead of failing.
    ///   - subresource: `status` when applying through `/status`.
    static func apply(
        live: JSONValue, applied: JSONValue, manager: String, force: Bool, scope: FieldScope,
        subresource: String?, apiVersion: String, now: String
    ) -> Outcome {
        let config = restrict(applied, to: scope)
        let appliedLeaves = FieldSet.leaves(of: config, in: scope).filter { !$0.value.isNull }
        let appliedPaths = Set(appliedLeaves.keys)
        var entries = FieldManagerEntry.entries(of: live)
        let mine = entries.firstIndex { $0.belongs(to: manager, .apply, subresource) }

        var conflicts: [Conflict] = []
        for (index, entry) in entries.enumerated() where index != mine {
            var taken: Set<FieldPath> = []
            for owned in entry.fields.paths {
                for path in appliedPaths where path.overlaps(owned) {
                    let shorter = path.count <= owned.count ? path : owned
                    if config.value(at: shorter) != live.value(at: shorter) {
                        conflicts.append(Conflict(entry: entry, path: shorter))
                        taken.insert(owned)
                    }
                }
            }
            if force { entries[index].fields.paths.subtract(taken) }
        }
        if !conflicts.isEmpty, !force {
            let unique = Array(Set(conflicts)).sorted {
                ($0.entry.manager, $0.path.dotted) < ($1.entry.manager, $1.path.dotted)
            }
            return .conflicts(unique)
        }

        // Fields this manager applied before and omits now go away, unless someone else owns them.
        var result = live
        let previous = mine.map { entries[$0].fields.paths } ?? []
        for path in previous.subtracting(appliedPaths) where scope.includes(path) {
            let stillApplied = appliedPaths.contains { $0.overlaps(path) }
            let ownedElsewhere = entries.indices.contains { $0 != mine && entries[$0].fields.overlaps(path) }
            if !stillApplied, !ownedElsewhere { result.removeValuePruningEmptyParents(at: path) }
        }
        result = MergePatch.apply(config, to: result)

        let entry = FieldManagerEntry(manager: manager, operation: .apply, apiVersion: apiVersion, time: now,
                                      subresource: subresource, fields: FieldSet(appliedPaths))
        if let mine {
            entries[mine] = entry
        } else {
            entries.append(entry)
        }
        FieldManagerEntry.store(entries, in: &result)
        return .merged(result)
    }

    /// Records the fields a non-apply write (create, update, patch) changed as owned by `manager`
    /// with operation `Update`, taking them away from other managers; fields the write removed
    /// are dropped from every manager. `new` carries the entries to start from.
    static func recordUpdate(
        old: JSONValue?, new: JSONValue, manager: String, scope: FieldScope, subresource: String?,
        apiVersion: String, now: String
    ) -> JSONValue {
        let before = old.map { FieldSet.leaves(of: $0, in: scope) } ?? [:]
        let after = FieldSet.leaves(of: new, in: scope)
        let changed = Set(after.filter { before[$0.key] != $0.value }.keys)
        let removed = Set(before.keys).subtracting(after.keys)
        var result = new
        var entries = FieldManagerEntry.entries(of: new)
        guard !changed.isEmpty || !removed.isEmpty else {
            FieldManagerEntry.store(entries, in: &result)
            return result
        }
        for index in entries.indices {
            entries[index].fields.paths.subtract(removed)
            entries[index].fields.paths.subtract(changed)
        }
        if let mine = entries.firstIndex(where: { $0.belongs(to: manager, .update, subresource) }) {
            entries[mine].fields.paths.formUnion(changed)
            entries[mine].time = now
            entries[mine].apiVersion = apiVersion
        } else {
            entries.append(FieldManagerEntry(manager: manager, operation: .update, apiVersion: apiVersion, time: now,
                                             subresource: subresource, fields: FieldSet(changed)))
        }
        FieldManagerEntry.store(entries, in: &result)
        return result
    }

    /// The applied configuration cut down to what the write may change: no `apiVersion`, `kind`
    /// or system metadata; only `status` through `/status`; no `status` through the main resource
    /// of a type with a status subresource.
    static func restrict(_ applied: JSONValue, to scope: FieldScope) -> JSONValue {
        var members: [String: JSONValue] = [:]
        for (key, value) in applied.objectValue ?? [:] {
            switch key {
            case "apiVersion", "kind":
                continue
            case "metadata":
                guard !scope.isStatus else { continue }
                members[key] = value.removingMembers(FieldScope.systemMetadata)
            default:
                if scope.includes([key]) || (value.objectValue != nil && scope.mayContain([key])) {
                    members[key] = value
                }
            }
        }
        return .object(members)
    }

    /// The message of a 409 apply conflict, in the real server's words.
    static func conflictError(_ conflicts: [Conflict]) -> FakeAPIError {
        func describe(_ entry: FieldManagerEntry) -> String {
            var text = "\"\(entry.manager)\""
            if let subresource = entry.subresource { text += " with subresource \"\(subresource)\"" }
            if entry.operation == .update {
                text += " using \(entry.apiVersion)"
                if !entry.time.isEmpty { text += " at \(entry.time)" }
            }
            return text
        }
        let message: String
        if conflicts.count == 1 {
            message = "Apply failed with 1 conflict: conflict with \(describe(conflicts[0].entry)): \(conflicts[0].path.dotted)"
        } else {
            var lines: [String] = []
            var seen: [String] = []
            for conflict in conflicts where !seen.contains(conflict.entry.manager) {
                seen.append(conflict.entry.manager)
                lines.append("conflicts with \(describe(conflict.entry)):")
                for other in conflicts where other.entry.manager == conflict.entry.manager {
                    lines.append("- \(other.path.dotted)")
                }
            }
            message = "Apply failed with \(conflicts.count) conflicts: " + lines.joined(separator: "\n")
        }
        let causes = conflicts.map {
            KubernetesStatus.Cause(reason: "FieldManagerConflict", message: "conflict with \(describe($0.entry))", field: $0.path.dotted)
        }
        return FakeAPIError(code: 409, reason: "Conflict", message: message, details: .init(causes: causes))
    }
}
