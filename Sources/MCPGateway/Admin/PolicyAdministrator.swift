import Foundation

/// Applies policy documents: from the boot file and from `PUT /admin/policy`. It checks the hash
/// of the canonical document, compiles off the request path, and swaps the snapshot atomically; a
/// document that fails leaves the policy in force. Pushes are applied one at a time.
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
        guard let json = try? JSONValue(parsing: body), case .object(let members) = json else {
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
        guard let json = try? JSONValue(parsing: text) else {
            return .failure(PolicyRejection(fieldPath: "", reason: "the policy file is not JSON"))
        }
        if case .object(let members) = json, members["document"] != nil, members["sha256"] != nil {
            return await applyPush(body: json.renderedBytes())
        }
        return await apply(document: json, version: nil, expectedSHA256: nil)
    }

    private func apply(document: JSONValue, version: String?, expectedSHA256: String?) async -> Result<PolicySnapshot, PolicyRejection> {
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
        if let current = store.current, current.sha256 == result.sha256, current.version == resolvedVersion {
            return .success(current)
        }
        let snapshot = PolicySnapshot(enforcer: result.enforcer, version: resolvedVersion, sha256: result.sha256)
        store.swap(to: snapshot)
        metrics?.setPolicyVersion(resolvedVersion)
        return .success(snapshot)
    }
}
