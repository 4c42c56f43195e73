import ControllerRuntime
import Foundation
import KubeClient
import OperatorAPI

extension MCPServerReconciler {
    /// Applies every planned child the cache does not already show as applied, in plan order,
    /// with the one field manager and force (the operator's fields are the operator's; another
    /// manager's edit of them is drift). Records a `Created` event for children that did not
    /// exist and a `Scaled` event when the Deployment's replica count changes.
    func apply(_ plan: ServerPlan, for server: MCPServer) async throws {
        var created: [String] = []
        var scaled: (from: Int?, to: Int)?
        for object in plan.objects {
            let live = cache.liveJSON(object.reference)
            if let live, AppliedState.isUpToDate(object, live: live) { continue }
            if live == nil { created.append("\(object.resourceType.kind) \(object.name)") }
            if object.resourceType == Deployment.resourceType, object.name == plan.deployment.name,
               let desired = plan.deployment.spec?.replicas, let live {
                let current = live[path: ["spec", "replicas"]]?.intValue
                if current != desired { scaled = (current, desired) }
            }
            if object.resourceType == Deployment.resourceType, object.name == plan.deployment.name,
               plan.deployment.spec?.replicas == nil, let live {
                try await handOverReplicas(live, of: object)
            }
            _ = try await client.apply(object.resourceType, DynamicObject(json: object.body), name: object.name,
                                       namespace: object.namespace, fieldManager: options.fieldManager, force: true,
                                       as: DynamicObject.self)
        }
        if !created.isEmpty {
            await events.record(server, type: .normal, reason: "Created", action: "Apply",
                                note: "created " + created.joined(separator: ", "))
        }
        if let scaled {
            await events.record(server, type: .normal, reason: "Scaled", action: "Scale",
                                note: "scaled Deployment \(plan.deployment.name) from \(scaled.from.map(String.init) ?? "unset") to \(scaled.to) replicas")
        }
    }

    /// Before the first apply that leaves `spec.replicas` to the HPA: server-side apply removes a
    /// field its only manager stops applying, and the Deployment would fall back to one replica
    /// until the HPA acts. So the current count is applied first under a second field manager
    /// (the documented hand-over), which keeps the field when the operator lets go of it.
    func handOverReplicas(_ live: JSONValue, of object: DesiredObject) async throws {
        guard live[path: ["metadata", "annotations", OperatorAnnotations.replicasOwner]]?.stringValue != "autoscaler",
              let current = live[path: ["spec", "replicas"]] else { return }
        let handover: JSONValue = [
            "apiVersion": .string(object.resourceType.apiVersion), "kind": .string(object.resourceType.kind),
            "metadata": ["name": .string(object.name), "namespace": .string(object.namespace)],
            "spec": ["replicas": current],
        ]
        _ = try await client.apply(object.resourceType, DynamicObject(json: handover), name: object.name, namespace: object.namespace,
                                   fieldManager: options.fieldManager + "-replicas-handover", force: true, as: DynamicObject.self)
    }

    /// Deletes the children the server owns that the plan no longer has (a removed plugin, the
    /// HPA after autoscaling is switched off, the PDB at one replica).
    func prune(_ plan: ServerPlan, for server: MCPServer) async throws {
        guard let uid = server.metadata.uid else { return }
        let stale = plan.stale(owned: cache.ownedChildren(uid: uid))
        guard !stale.isEmpty else { return }
        for child in stale {
            do {
                _ = try await client.delete(child.resourceType, name: child.name, namespace: child.namespace,
                                            options: .background, as: DynamicObject.self)
            } catch let error as KubernetesError where error.isNotFound {
                continue
            }
        }
        await events.record(server, type: .normal, reason: "Deleted", action: "Prune",
                            note: "deleted " + stale.map { "\($0.resourceType.kind) \($0.name)" }.joined(separator: ", "))
    }

    /// The admin token of the server's gateways: the existing Secret's, from the cache, or — if
    /// the cache has none — from the API server (the Secret may have lost its label), or a new
    /// one when the Secret does not exist. Once generated, a token is never replaced.
    func adminToken(for server: MCPServer) async throws -> String {
        let namespace = server.metadata.namespace ?? "default"
        let name = ChildNaming(server: server.name).adminSecret
        if let token = Self.token(in: cache.secrets.get(namespace: namespace, name: name)) { return token }
        do {
            let live = try await client.get(Secret.self, name: name, namespace: namespace)
            if let token = Self.token(in: live) { return token }
        } catch let error as KubernetesError where error.isNotFound {
            // No Secret yet: generate below.
        }
        return makeToken()
    }

    static func token(in secret: Secret?) -> String? {
        guard let data = secret?.decodedData[GatewayLayout.adminTokenKey], !data.isEmpty else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}
