import Foundation

/// Applies policy documents: from the boot file and from `PUT /admin/policy`. It checks the hash
/// of the canonical document, compiles off the request path, and swaps the snapshot atomically; a
/// document that fails leaves the policy in force. Pushes are applied one at a time.
///
/// Dry run: a document with `dryRun: true` does not replace the enforced policy. It fills the
/// gateway's dry-run slot and is evaluated beside the enforced policy (see `PolicySnapshot`); a
/// later dry-run push replaces it. An enforcing push (no `dryRun`, or false) replaces the
/// enforced policy and keeps the dry-run policy evaluating, except when it is the dry-run
/// document itself with `dryRun` turned off (the dry run was promoted): then the dry-run slot is
/// emptied. `clearDryRun()` (`DELETE /admin/policy/dry-run`) empties it explicitly. When a dry-run
/// document arrives and nothing is enforced yet (a gateway booting from a dry-run ConfigMap),
/// the gateway enforces nothing — as the document asks — and reports that policy's version.
public actor PolicyAdministrator {
    private let compiler: any PolicyCompiler
    private let store: PolicyStore
    private let metrics: GatewayMetrics?

    /// An administrator compiling with `compiler` into `store`.
    public init(compiler: any PolicyCompiler, store: PolicyStore, metrics: GatewayMetrics?) {
        self.compiler = compiler
        self.store = store
        self.metrics = metrics
    }

    /// Applies a push body `{"document": {...}, "version": "sha256:<hex>", "sha256": "<hex>"}`.
    public func applyPush(body: [UInt8]) async -> Result<PolicySnapshot, PolicyRejection> {
        await applyPushReporting(body: body).map(\.snapshot)
    }

    /// Applies a push body like `applyPush`, and says which slot the document went to.
    public func applyPushReporting(body: [UInt8]) async -> Result<PolicyApplication, PolicyRejection> {
        let json: JSONValue
        do {
            json = try JSONValue(parsing: body)
        } catch {
            return .failure(PolicyRejection(fieldPath: "", reason: "the body is not JSON: \(error)"))
        }
        guard case .object(let members) = json else {
            return .failure(PolicyRejection(fieldPath: "", reason: "the body must be a JSON object"))
        }
        guard let document = members["document"], case .object = document else {
            return .failure(PolicyRejection(fieldPath: "document", reason: "must be a JSON object"))
        }
        guard let sha256 = members["sha256"]?.stringValue?.lowercased() else {
            return .failure(PolicyRejection(fieldPath: "sha256", reason: "must be the hex SHA-256 of the canonical document"))
        }
        guard let version = members["version"]?.stringValue, !version.isEmpty else {
            return .failure(PolicyRejection(fieldPath: "version", reason: "must be a non-empty string"))
        }
        return await apply(document: document, version: version, expectedSHA256: sha256)
    }

    /// Applies a policy file's text: a bare document, or a push body with `document`.
    public func applyFile(text: String) async -> Result<PolicySnapshot, PolicyRejection> {
        let json: JSONValue
        do {
            json = try JSONValue(parsing: text)
        } catch {
            return .failure(PolicyRejection(fieldPath: "", reason: "the policy file is not JSON: \(error)"))
        }
        if case .object(let members) = json, members["document"] != nil, members["sha256"] != nil {
            return await applyPush(body: json.renderedBytes())
        }
        return await apply(document: json, version: nil, expectedSHA256: nil).map(\.snapshot)
    }

    private func apply(document: JSONValue, version: String?, expectedSHA256: String?) async -> Result<PolicyApplication, PolicyRejection> {
        let compiler = self.compiler
        let compiled: Result<CompiledPolicyDocument, PolicyRejection> = await Task.detached(priority: .userInitiated) {
            do {
                return .success(try compiler.compile(document: document))
            } catch let rejection as PolicyRejection {
                return .failure(rejection)
            } catch {
                return .failure(PolicyRejection(fieldPath: "", reason: "\(error)"))
            }
        }.value
        let result: CompiledPolicyDocument
        switch compiled {
        case .success(let value): result = value
        case .failure(let rejection): return .failure(rejection)
        }
        if let expectedSHA256, !result.acceptedSHA256.contains(expectedSHA256) {
            return .failure(PolicyRejection(fieldPath: "sha256", reason: "does not match the canonical document (expected \(result.sha256))"))
        }
        if let version, version.hasPrefix("sha256:"), !result.acceptedSHA256.contains(String(version.dropFirst(7)).lowercased()) {
            return .failure(PolicyRejection(fieldPath: "version", reason: "names another document than the one sent"))
        }
        let resolvedVersion = version ?? "sha256:\(result.sha256)"
        let current = store.current
        if result.isDryRun {
            if let current, let slot = current.dryRun, slot.sha256 == result.sha256, slot.version == resolvedVersion {
                return .success(PolicyApplication(snapshot: current, slot: .dryRun))
            }
            let dryRun = DryRunPolicy(evaluator: result.enforcer, version: resolvedVersion, sha256: result.sha256,
                                      promotedSHA256: result.promotedSHA256)
            let snapshot: PolicySnapshot
            if let current, current.isEnforcing {
                snapshot = current.with(dryRun: dryRun, metrics: metrics)
            } else {
                snapshot = .dryRunOnly(dryRun, metrics: metrics)
            }
            store.swap(to: snapshot)
            return .success(PolicyApplication(snapshot: snapshot, slot: .dryRun))
        }
        if let current, current.isEnforcing, current.sha256 == result.sha256, current.version == resolvedVersion {
            return .success(PolicyApplication(snapshot: current, slot: .enforced))
        }
        let enforced = PolicySnapshot(enforcer: result.enforcer, version: resolvedVersion, sha256: result.sha256)
        let promoted = current?.dryRun.map { !$0.promotedSHA256.isDisjoint(with: result.acceptedSHA256) } ?? false
        let snapshot = current.map { $0.enforcing(enforced, keepingDryRun: !promoted, metrics: metrics) } ?? enforced
        store.swap(to: snapshot)
        metrics?.setPolicyVersion(resolvedVersion)
        return .success(PolicyApplication(snapshot: snapshot, slot: .enforced))
    }

    /// Stops evaluating the dry-run policy; the enforced policy is untouched. When only a dry-run
    /// policy was loaded there is nothing to fall back to, and it stays.
    /// - Returns: the snapshot now in force, and whether a dry-run policy was removed.
    public func clearDryRun() -> (snapshot: PolicySnapshot?, removed: Bool) {
        guard let current = store.current, current.dryRun != nil, current.isEnforcing else { return (store.current, false) }
        let snapshot = current.with(dryRun: nil, metrics: metrics)
        store.swap(to: snapshot)
        return (snapshot, true)
    }
}

/// The outcome of an accepted push: the snapshot now in force and where the document went.
public struct PolicyApplication: Sendable {
    /// Which of the gateway's two policies a document became.
    public enum Slot: String, Sendable, Hashable {
        /// The policy that decides.
        case enforced
        /// The policy evaluated beside it without effect.
        case dryRun
    }

    /// The snapshot now in force.
    public var snapshot: PolicySnapshot
    /// Where the document went.
    public var slot: Slot
}
