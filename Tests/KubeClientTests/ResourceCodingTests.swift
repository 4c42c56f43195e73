import Foundation
import Testing

@testable import KubeClient

// Samples shaped as the API server returns them (including fields the typed structs leave out,
// such as `serviceAccount`, and `null`s for unset times).

private let deploymentJSON = #"""
{
  "apiVersion": "apps/v1",
  "kind": "Deployment",
  "metadata": {
    "name": "weather",
    "namespace": "mcp",
    "uid": "8d1c3a0e-5d0c-4d0a-9b1e-2f3c4d5e6f70",
    "resourceVersion": "48213",
    "generation": 3,
    "creationTimestamp": "2024-05-01T12:00:00Z",
    "labels": {"app.kubernetes.io/name": "weather", "app.kubernetes.io/managed-by": "mcp-operator"},
    "annotations": {"deployment.kubernetes.io/revision": "2"},
    "ownerReferences": [{
      "apiVersion": "mcpoperator.io/v1alpha1", "kind": "MCPServer", "name": "weather",
      "uid": "0b7f6a52-1111-4c1e-a3c2-9e0d8f7a6b5c", "controller": true, "blockOwnerDeletion": true
    }],
    "managedFields": [{
      "manager": "mcp-operator", "operation": "Apply", "apiVersion": "apps/v1",
      "time": "2024-05-01T12:00:00Z", "fieldsType": "FieldsV1",
      "fieldsV1": {"f:spec": {"f:replicas": {}}}
    }]
  },
  "spec": {
    "replicas": 2,
    "selector": {"matchLabels": {"app.kubernetes.io/name": "weather"}},
    "template": {
      "metadata": {"creationTimestamp": null, "labels": {"app.kubernetes.io/name": "weather"}},
      "spec": {
        "containers": [{
          "name": "gateway",
          "image": "ghcr.io/mcp-operator/gateway:0.4.0",
          "args": ["--upstream", "stdio", "--admin-port", "9090"],
          "ports": [{"name": "http", "containerPort": 8080, "protocol": "TCP"},
                    {"name": "admin", "containerPort": 9090, "protocol": "TCP"}],
          "env": [
            {"name": "POD_NAME", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.name"}}},
            {"name": "ADMIN_TOKEN", "valueFrom": {"secretKeyRef": {"name": "weather-admin", "key": "token"}}},
            {"name": "LOG_LEVEL", "value": "info"}
          ],
          "envFrom": [{"configMapRef": {"name": "weather-env"}, "prefix": "MCP_"}],
          "resources": {"limits": {"cpu": "500m", "memory": "256Mi"}, "requests": {"cpu": "100m", "memory": "64Mi"}},
          "volumeMounts": [{"name": "policy", "mountPath": "/etc/mcp/policy", "readOnly": true}],
          "readinessProbe": {
            "httpGet": {"path": "/readyz", "port": "http", "scheme": "HTTP"},
            "periodSeconds": 10, "timeoutSeconds": 1, "successThreshold": 1, "failureThreshold": 3
          },
          "livenessProbe": {"tcpSocket": {"port": 8080}, "initialDelaySeconds": 5, "periodSeconds": 10,
                            "timeoutSeconds": 1, "successThreshold": 1, "failureThreshold": 3},
          "terminationMessagePath": "/dev/termination-log",
          "terminationMessagePolicy": "File",
          "imagePullPolicy": "IfNotPresent",
          "securityContext": {
            "allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"]},
            "readOnlyRootFilesystem": true, "runAsNonRoot": true, "runAsUser": 65532,
            "seccompProfile": {"type": "RuntimeDefault"}
          }
        }],
        "volumes": [
          {"name": "policy", "configMap": {"name": "weather-policy", "defaultMode": 420}},
          {"name": "admin", "secret": {"secretName": "weather-admin", "defaultMode": 256,
                                       "items": [{"key": "token", "path": "token"}]}},
          {"name": "tmp", "emptyDir": {"medium": "Memory", "sizeLimit": "64Mi"}}
        ],
        "restartPolicy": "Always",
        "terminationGracePeriodSeconds": 30,
        "dnsPolicy": "ClusterFirst",
        "serviceAccountName": "weather",
        "serviceAccount": "weather",
        "automountServiceAccountToken": false,
        "securityContext": {"runAsNonRoot": true, "fsGroup": 65532, "seccompProfile": {"type": "RuntimeDefault"}},
        "affinity": {"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [{
          "weight": 100,
          "podAffinityTerm": {"topologyKey": "kubernetes.io/hostname",
                              "labelSelector": {"matchLabels": {"app.kubernetes.io/name": "weather"}}}
        }]}},
        "tolerations": [{"key": "dedicated", "operator": "Equal", "value": "mcp", "effect": "NoSchedule"}],
        "schedulerName": "default-scheduler",
        "enableServiceLinks": false
      }
    },
    "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": 1}},
    "revisionHistoryLimit": 10,
    "progressDeadlineSeconds": 600
  },
  "status": {
    "observedGeneration": 3,
    "replicas": 2,
    "updatedReplicas": 2,
    "readyReplicas": 1,
    "availableReplicas": 1,
    "unavailableReplicas": 1,
    "conditions": [
      {"type": "Available", "status": "False", "lastUpdateTime": "2024-05-01T12:00:05Z",
       "lastTransitionTime": "2024-05-01T12:00:05Z", "reason": "MinimumReplicasUnavailable",
       "message": "Deployment does not have minimum availability."},
      {"type": "Progressing", "status": "True", "lastUpdateTime": "2024-05-01T12:01:10Z",
       "lastTransitionTime": "2024-05-01T12:00:00Z", "reason": "ReplicaSetUpdated",
       "message": "ReplicaSet \"weather-6d8f9c7b5d\" is progressing."}
    ]
  }
}
"""#

private let podJSON = #"""
{
  "kind": "Pod",
  "apiVersion": "v1",
  "metadata": {
    "name": "weather-6d8f9c7b5d-x2k9p",
    "generateName": "weather-6d8f9c7b5d-",
    "namespace": "mcp",
    "uid": "f3b2a1c0-2222-4d3e-8f9a-0b1c2d3e4f50",
    "resourceVersion": "48190",
    "creationTimestamp": "2024-05-01T12:00:01Z",
    "labels": {"app.kubernetes.io/name": "weather", "pod-template-hash": "6d8f9c7b5d"},
    "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "weather-6d8f9c7b5d",
                         "uid": "aaaabbbb-3333-4ccc-9ddd-eeeeffff0000", "controller": true, "blockOwnerDeletion": true}]
  },
  "spec": {
    "initContainers": [{"name": "plugin-search", "image": "ghcr.io/example/search:1.0", "restartPolicy": "Always",
                        "resources": {}, "terminationMessagePath": "/dev/termination-log",
                        "terminationMessagePolicy": "File", "imagePullPolicy": "IfNotPresent"}],
    "containers": [
      {"name": "gateway", "image": "ghcr.io/mcp-operator/gateway:0.4.0", "resources": {},
       "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File",
       "imagePullPolicy": "IfNotPresent"},
      {"name": "server", "image": "ghcr.io/example/weather:1.2", "command": ["node", "server.js"],
       "resources": {}, "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File",
       "imagePullPolicy": "IfNotPresent"}
    ],
    "volumes": [{"name": "kube-api-access-7xq2r", "projected": {"defaultMode": 420, "sources": [
      {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
      {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
      {"downwardAPI": {"items": [{"path": "namespace",
                                  "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}}]}}
    ]}}],
    "restartPolicy": "Always",
    "terminationGracePeriodSeconds": 30,
    "dnsPolicy": "ClusterFirst",
    "serviceAccountName": "weather",
    "nodeName": "worker-1",
    "securityContext": {},
    "schedulerName": "default-scheduler",
    "tolerations": [
      {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}
    ],
    "priority": 0,
    "enableServiceLinks": true,
    "preemptionPolicy": "PreemptLowerPriority"
  },
  "status": {
    "phase": "Running",
    "conditions": [
      {"type": "Initialized", "status": "True", "lastProbeTime": null, "lastTransitionTime": "2024-05-01T12:00:02Z"},
      {"type": "Ready", "status": "False", "lastProbeTime": null, "lastTransitionTime": "2024-05-01T12:00:40Z",
       "reason": "ContainersNotReady", "message": "containers with unready status: [server]"},
      {"type": "PodScheduled", "status": "True", "lastProbeTime": null, "lastTransitionTime": "2024-05-01T12:00:01Z"}
    ],
    "hostIP": "10.0.0.11",
    "hostIPs": [{"ip": "10.0.0.11"}],
    "podIP": "10.244.1.17",
    "podIPs": [{"ip": "10.244.1.17"}, {"ip": "fd00:10:244:1::11"}],
    "startTime": "2024-05-01T12:00:01Z",
    "initContainerStatuses": [{
      "name": "plugin-search", "state": {"running": {"startedAt": "2024-05-01T12:00:02Z"}},
      "lastState": {}, "ready": true, "restartCount": 0, "image": "ghcr.io/example/search:1.0",
      "imageID": "ghcr.io/example/search@sha256:1111", "containerID": "containerd://aaa111", "started": true
    }],
    "containerStatuses": [
      {"name": "gateway", "state": {"running": {"startedAt": "2024-05-01T12:00:03Z"}}, "lastState": {},
       "ready": true, "restartCount": 0, "image": "ghcr.io/mcp-operator/gateway:0.4.0",
       "imageID": "ghcr.io/mcp-operator/gateway@sha256:2222", "containerID": "containerd://bbb222", "started": true},
      {"name": "server",
       "state": {"waiting": {"reason": "CrashLoopBackOff",
                             "message": "back-off 40s restarting failed container=server"}},
       "lastState": {"terminated": {"exitCode": 1, "reason": "Error", "startedAt": "2024-05-01T12:00:30Z",
                                    "finishedAt": "2024-05-01T12:00:31Z", "containerID": "containerd://ccc333"}},
       "ready": false, "restartCount": 3, "image": "ghcr.io/example/weather:1.2",
       "imageID": "ghcr.io/example/weather@sha256:3333", "containerID": "containerd://ccc333", "started": false}
    ],
    "qosClass": "BestEffort"
  }
}
"""#

private let endpointSliceJSON = #"""
{
  "kind": "EndpointSlice",
  "apiVersion": "discovery.k8s.io/v1",
  "metadata": {
    "name": "weather-7kq4d",
    "generateName": "weather-",
    "namespace": "mcp",
    "labels": {"endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io",
               "kubernetes.io/service-name": "weather"},
    "ownerReferences": [{"apiVersion": "v1", "kind": "Service", "name": "weather",
                         "uid": "12345678-aaaa-4bbb-8ccc-1234567890ab", "controller": true, "blockOwnerDeletion": true}]
  },
  "addressType": "IPv4",
  "endpoints": [
    {"addresses": ["10.244.1.17"], "conditions": {"ready": true, "serving": true, "terminating": false},
     "targetRef": {"kind": "Pod", "namespace": "mcp", "name": "weather-6d8f9c7b5d-x2k9p",
                   "uid": "f3b2a1c0-2222-4d3e-8f9a-0b1c2d3e4f50"},
     "nodeName": "worker-1", "zone": "zone-a"},
    {"addresses": ["10.244.2.9"], "conditions": {"ready": false, "serving": true, "terminating": true},
     "targetRef": {"kind": "Pod", "namespace": "mcp", "name": "weather-6d8f9c7b5d-q7w8e", "uid": "0000"},
     "nodeName": "worker-2"}
  ],
  "ports": [{"name": "http", "protocol": "TCP", "port": 8080}, {"name": "admin", "protocol": "TCP", "port": 9090}]
}
"""#

private let hpaJSON = #"""
{
  "apiVersion": "autoscaling/v2",
  "kind": "HorizontalPodAutoscaler",
  "metadata": {"name": "weather", "namespace": "mcp", "resourceVersion": "50001"},
  "spec": {
    "scaleTargetRef": {"apiVersion": "mcpoperator.io/v1alpha1", "kind": "MCPServer", "name": "weather"},
    "minReplicas": 2,
    "maxReplicas": 10,
    "metrics": [
      {"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 70}}},
      {"type": "Resource", "resource": {"name": "memory", "target": {"type": "AverageValue", "averageValue": "200Mi"}}}
    ],
    "behavior": {"scaleDown": {"stabilizationWindowSeconds": 300, "selectPolicy": "Max",
                               "policies": [{"type": "Percent", "value": 100, "periodSeconds": 15}]}}
  },
  "status": {
    "observedGeneration": 1,
    "lastScaleTime": "2024-05-01T12:10:00Z",
    "currentReplicas": 3,
    "desiredReplicas": 4,
    "currentMetrics": [
      {"type": "Resource", "resource": {"name": "cpu", "current": {"averageValue": "180m", "averageUtilization": 90}}},
      {"type": "Resource", "resource": {"name": "memory", "current": {"averageValue": "150Mi"}}}
    ],
    "conditions": [
      {"type": "AbleToScale", "status": "True", "lastTransitionTime": "2024-05-01T12:00:15Z",
       "reason": "SucceededRescale", "message": "the HPA controller was able to update the target scale to 4"},
      {"type": "ScalingActive", "status": "True", "lastTransitionTime": "2024-05-01T12:00:15Z",
       "reason": "ValidMetricFound",
       "message": "the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)"}
    ]
  }
}
"""#

private let leaseJSON = #"""
{
  "kind": "Lease",
  "apiVersion": "coordination.k8s.io/v1",
  "metadata": {"name": "mcp-operator-leader", "namespace": "mcp-system", "resourceVersion": "90210",
               "creationTimestamp": "2024-05-01T11:00:00Z"},
  "spec": {
    "holderIdentity": "mcp-operator-5f7c8d9b6-abcde_6b1e2f3a",
    "leaseDurationSeconds": 15,
    "acquireTime": "2024-05-01T12:00:00.000000Z",
    "renewTime": "2024-05-01T12:03:21.482913Z",
    "leaseTransitions": 4
  }
}
"""#

private let eventJSON = #"""
{
  "kind": "Event",
  "apiVersion": "events.k8s.io/v1",
  "metadata": {"name": "weather.17c9a2b3d4e5f607", "namespace": "mcp", "uid": "e1e2e3e4-5555-4666-8777-888899990000",
               "resourceVersion": "48500", "creationTimestamp": "2024-05-01T12:02:00Z"},
  "eventTime": "2024-05-01T12:02:00.123456Z",
  "series": {"count": 4, "lastObservedTime": "2024-05-01T12:05:00.654321Z"},
  "reportingController": "mcpoperator.io/operator",
  "reportingInstance": "mcp-operator-5f7c8d9b6-abcde",
  "action": "PushPolicy",
  "reason": "PolicyRejected",
  "regarding": {"kind": "MCPServer", "namespace": "mcp", "name": "weather",
                "uid": "0b7f6a52-1111-4c1e-a3c2-9e0d8f7a6b5c", "apiVersion": "mcpoperator.io/v1alpha1",
                "resourceVersion": "48213"},
  "related": {"kind": "Pod", "namespace": "mcp", "name": "weather-6d8f9c7b5d-x2k9p", "apiVersion": "v1",
              "fieldPath": "spec.containers{gateway}"},
  "note": "replica weather-6d8f9c7b5d-x2k9p rejected policy sha256:ab12: unknown detector \"sqli2\"",
  "type": "Warning",
  "deprecatedSource": {},
  "deprecatedFirstTimestamp": null,
  "deprecatedLastTimestamp": null
}
"""#

// An event written through the core/v1 API and read back through events.k8s.io/v1.
private let legacyEventJSON = #"""
{
  "kind": "Event", "apiVersion": "events.k8s.io/v1",
  "metadata": {"name": "weather-6d8f9c7b5d-x2k9p.17c9a2b3d4e5f608", "namespace": "mcp"},
  "eventTime": null,
  "reportingController": "kubelet", "reportingInstance": "worker-1",
  "reason": "BackOff",
  "regarding": {"kind": "Pod", "namespace": "mcp", "name": "weather-6d8f9c7b5d-x2k9p", "apiVersion": "v1",
                "fieldPath": "spec.containers{server}"},
  "note": "Back-off restarting failed container server in pod weather-6d8f9c7b5d-x2k9p_mcp",
  "type": "Warning",
  "deprecatedSource": {"component": "kubelet", "host": "worker-1"},
  "deprecatedFirstTimestamp": "2024-05-01T12:00:32Z",
  "deprecatedLastTimestamp": "2024-05-01T12:04:10Z",
  "deprecatedCount": 7
}
"""#

private let crdJSON = #"""
{
  "apiVersion": "apiextensions.k8s.io/v1",
  "kind": "CustomResourceDefinition",
  "metadata": {"name": "mcpservers.mcpoperator.io", "uid": "c0c1c2c3-4444-4555-8666-777788889999",
               "resourceVersion": "1200", "generation": 1, "creationTimestamp": "2024-05-01T10:00:00Z"},
  "spec": {
    "group": "mcpoperator.io",
    "names": {"plural": "mcpservers", "singular": "mcpserver", "kind": "MCPServer", "listKind": "MCPServerList",
              "shortNames": ["mcps"], "categories": ["mcp"]},
    "scope": "Namespaced",
    "versions": [{
      "name": "v1alpha1",
      "served": true,
      "storage": true,
      "schema": {"openAPIV3Schema": {
        "type": "object",
        "properties": {
          "apiVersion": {"type": "string"},
          "kind": {"type": "string"},
          "metadata": {"type": "object"},
          "spec": {"type": "object", "required": ["image"], "properties": {
            "image": {"type": "string", "minLength": 1},
            "replicas": {"type": "integer", "format": "int32", "minimum": 0},
            "transport": {"type": "string", "enum": ["stdio", "streamable-http", "sse"], "default": "stdio"}
          }},
          "status": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}
        }
      }},
      "subresources": {
        "status": {},
        "scale": {"specReplicasPath": ".spec.replicas", "statusReplicasPath": ".status.replicas",
                  "labelSelectorPath": ".status.selector"}
      },
      "additionalPrinterColumns": [
        {"name": "Ready", "type": "string", "jsonPath": ".status.conditions[?(@.type==\"Ready\")].status"},
        {"name": "Replicas", "type": "integer", "jsonPath": ".status.replicas", "description": "Ready replicas"},
        {"name": "Endpoint", "type": "string", "jsonPath": ".status.endpoint", "priority": 1},
        {"name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"}
      ]
    }],
    "conversion": {"strategy": "None"}
  },
  "status": {
    "conditions": [
      {"type": "NamesAccepted", "status": "True", "lastTransitionTime": "2024-05-01T10:00:00Z",
       "reason": "NoConflicts", "message": "no conflicts found"},
      {"type": "Established", "status": "True", "lastTransitionTime": "2024-05-01T10:00:00Z",
       "reason": "InitialNamesAccepted", "message": "the initial names have been accepted"}
    ],
    "acceptedNames": {"plural": "mcpservers", "singular": "mcpserver", "kind": "MCPServer",
                      "listKind": "MCPServerList", "shortNames": ["mcps"], "categories": ["mcp"]},
    "storedVersions": ["v1alpha1"]
  }
}
"""#

// Samples that hold only fields the structs model, so they re-encode to the same JSON.
private let networkPolicyJSON = #"""
{
  "apiVersion": "networking.k8s.io/v1",
  "kind": "NetworkPolicy",
  "metadata": {"name": "weather-plugins", "namespace": "mcp"},
  "spec": {
    "podSelector": {"matchLabels": {"mcpoperator.io/plugin-of": "weather"}},
    "policyTypes": ["Ingress", "Egress"],
    "ingress": [{
      "from": [{"podSelector": {"matchLabels": {"app.kubernetes.io/name": "weather"}},
                "namespaceSelector": {"matchExpressions": [{"key": "kubernetes.io/metadata.name",
                                                            "operator": "In", "values": ["mcp"]}]}}],
      "ports": [{"protocol": "TCP", "port": "mcp"}]
    }],
    "egress": [
      {"to": [{"ipBlock": {"cidr": "0.0.0.0/0", "except": ["10.0.0.0/8", "169.254.169.254/32"]}}],
       "ports": [{"protocol": "TCP", "port": 443}, {"protocol": "TCP", "port": 30000, "endPort": 32767}]},
      {"to": [{"namespaceSelector": {}, "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}}}],
       "ports": [{"protocol": "UDP", "port": 53}]}
    ]
  }
}
"""#

private let pdbJSON = #"""
{
  "apiVersion": "policy/v1",
  "kind": "PodDisruptionBudget",
  "metadata": {"name": "weather", "namespace": "mcp"},
  "spec": {"maxUnavailable": 1, "selector": {"matchLabels": {"app.kubernetes.io/name": "weather"}},
           "unhealthyPodEvictionPolicy": "AlwaysAllow"},
  "status": {
    "observedGeneration": 1, "disruptionsAllowed": 1, "currentHealthy": 3, "desiredHealthy": 2, "expectedPods": 3,
    "disruptedPods": {"weather-6d8f9c7b5d-q7w8e": "2024-05-01T12:20:00Z"},
    "conditions": [{"type": "DisruptionAllowed", "status": "True", "observedGeneration": 1,
                    "lastTransitionTime": "2024-05-01T12:00:40Z", "reason": "SufficientPods", "message": ""}]
  }
}
"""#

private let serviceJSON = #"""
{
  "apiVersion": "v1",
  "kind": "Service",
  "metadata": {"name": "weather", "namespace": "mcp", "labels": {"app.kubernetes.io/name": "weather"}},
  "spec": {
    "type": "LoadBalancer",
    "selector": {"app.kubernetes.io/name": "weather"},
    "ports": [{"name": "http", "protocol": "TCP", "appProtocol": "http", "port": 80, "targetPort": "http",
               "nodePort": 31380},
              {"name": "admin", "protocol": "TCP", "port": 9090, "targetPort": 9090, "nodePort": 31390}],
    "clusterIP": "10.96.12.34",
    "clusterIPs": ["10.96.12.34"],
    "sessionAffinity": "ClientIP",
    "sessionAffinityConfig": {"clientIP": {"timeoutSeconds": 10800}},
    "externalTrafficPolicy": "Cluster",
    "internalTrafficPolicy": "Cluster",
    "ipFamilies": ["IPv4"],
    "ipFamilyPolicy": "SingleStack",
    "allocateLoadBalancerNodePorts": true
  },
  "status": {"loadBalancer": {"ingress": [{"ip": "203.0.113.10", "ipMode": "VIP"}]}}
}
"""#

private let secretJSON = #"""
{
  "apiVersion": "v1",
  "kind": "Secret",
  "metadata": {"name": "weather-admin", "namespace": "mcp"},
  "type": "Opaque",
  "data": {"token": "czNjcjN0LXQwa2Vu"},
  "immutable": false
}
"""#

private let scaleJSON = #"""
{
  "kind": "Scale",
  "apiVersion": "autoscaling/v1",
  "metadata": {"name": "weather", "namespace": "mcp", "resourceVersion": "48213"},
  "spec": {"replicas": 3},
  "status": {"replicas": 2, "selector": "app.kubernetes.io/name=weather"}
}
"""#

private func decode<T: Decodable>(_ type: T.Type, _ json: String) throws -> T {
    try JSONDecoder().decode(T.self, from: Data(json.utf8))
}

private func encodedJSON<T: Encodable>(_ value: T) throws -> JSONValue {
    try JSONValue(encoding: value)
}

/// Decodes, encodes and decodes again; the two decoded values must be equal.
private func expectRoundTrip<T: Codable & Equatable>(
    _ type: T.Type, _ json: String, sourceLocation: SourceLocation = #_sourceLocation
) throws {
    let first = try decode(T.self, json)
    let second = try JSONDecoder().decode(T.self, from: try JSONEncoder().encode(first))
    #expect(first == second, sourceLocation: sourceLocation)
}

@Suite struct ResourceCodingTests {
    @Test func decodesDeploymentWithStatus() throws {
        let deployment = try decode(Deployment.self, deploymentJSON)
        #expect(deployment.apiVersion == "apps/v1")
        #expect(deployment.kind == "Deployment")
        #expect(deployment.name == "weather")
        #expect(deployment.namespace == "mcp")
        #expect(deployment.metadata.generation == 3)
        #expect(deployment.metadata.ownerReferences?.first?.kind == "MCPServer")

        let spec = try #require(deployment.spec)
        #expect(spec.replicas == 2)
        #expect(spec.selector.matchLabels == ["app.kubernetes.io/name": "weather"])
        #expect(spec.strategy?.rollingUpdate?.maxUnavailable == .string("25%"))
        #expect(spec.strategy?.rollingUpdate?.maxSurge == .int(1))
        #expect(spec.progressDeadlineSeconds == 600)

        let pod = try #require(spec.template.spec)
        #expect(spec.template.metadata?.creationTimestamp == nil)
        #expect(pod.serviceAccountName == "weather")
        #expect(pod.automountServiceAccountToken == false)
        #expect(pod.enableServiceLinks == false)
        #expect(pod.terminationGracePeriodSeconds == 30)
        #expect(pod.securityContext?.fsGroup == 65532)
        #expect(pod.securityContext?.seccompProfile?.type == "RuntimeDefault")
        #expect(pod.tolerations?.first?.operator == "Equal")
        #expect(pod.affinity?[path: ["podAntiAffinity"]] != nil)

        let gateway = try #require(pod.containers.first)
        #expect(gateway.name == "gateway")
        #expect(gateway.ports?.map(\.containerPort) == [8080, 9090])
        #expect(gateway.env?[0].valueFrom?.fieldRef?.fieldPath == "metadata.name")
        #expect(gateway.env?[1].valueFrom?.secretKeyRef?.key == "token")
        #expect(gateway.env?[2].value == "info")
        #expect(gateway.envFrom?.first?.configMapRef?.name == "weather-env")
        #expect(gateway.envFrom?.first?.prefix == "MCP_")
        #expect(gateway.resources?.limits?["memory"] == "256Mi")
        #expect(gateway.resources?.requests?["cpu"] == "100m")
        #expect(gateway.readinessProbe?.httpGet?.port == .string("http"))
        #expect(gateway.readinessProbe?.httpGet?.path == "/readyz")
        #expect(gateway.livenessProbe?.tcpSocket?.port == .int(8080))
        #expect(gateway.securityContext?.capabilities?.drop == ["ALL"])
        #expect(gateway.securityContext?.readOnlyRootFilesystem == true)
        #expect(gateway.securityContext?.allowPrivilegeEscalation == false)
        #expect(gateway.volumeMounts?.first?.mountPath == "/etc/mcp/policy")

        let volumes = try #require(pod.volumes)
        #expect(volumes[0].configMap?.name == "weather-policy")
        #expect(volumes[0].configMap?.defaultMode == 0o644)
        #expect(volumes[1].secret?.items?.first?.path == "token")
        #expect(volumes[2].emptyDir?.medium == "Memory")
        #expect(volumes[2].emptyDir?.sizeLimit == "64Mi")

        let status = try #require(deployment.status)
        #expect(status.observedGeneration == 3)
        #expect(status.readyReplicas == 1)
        #expect(status.unavailableReplicas == 1)
        #expect(status.conditions?.map(\.type) == ["Available", "Progressing"])
        #expect(status.conditions?.first?.reason == "MinimumReplicasUnavailable")
        #expect(status.conditions?.first?.lastUpdateTime == "2024-05-01T12:00:05Z")
    }

    @Test func decodesPodWithContainerStatuses() throws {
        let pod = try decode(Pod.self, podJSON)
        #expect(pod.metadata.generateName == "weather-6d8f9c7b5d-")
        #expect(pod.spec?.initContainers?.first?.restartPolicy == "Always")
        #expect(pod.spec?.containers.map(\.name) == ["gateway", "server"])
        #expect(pod.spec?.tolerations?.first?.tolerationSeconds == 300)
        let projected = try #require(pod.spec?.volumes?.first?.projected)
        #expect(projected.sources?[0].serviceAccountToken?.expirationSeconds == 3607)
        #expect(projected.sources?[1].configMap?.items?.first?.key == "ca.crt")
        #expect(projected.sources?[2].downwardAPI?.items?.first?.fieldRef?.fieldPath == "metadata.namespace")

        let status = try #require(pod.status)
        #expect(status.phase == "Running")
        #expect(status.podIP == "10.244.1.17")
        #expect(status.podIPs?.map(\.ip) == ["10.244.1.17", "fd00:10:244:1::11"])
        #expect(status.hostIPs?.first?.ip == "10.0.0.11")
        #expect(status.startTime == "2024-05-01T12:00:01Z")
        #expect(status.qosClass == "BestEffort")
        let ready = try #require(status.conditions?.first { $0.type == "Ready" })
        #expect(ready.status == "False")
        #expect(ready.lastProbeTime == nil)
        #expect(ready.reason == "ContainersNotReady")

        #expect(status.initContainerStatuses?.first?.state?.running?.startedAt == "2024-05-01T12:00:02Z")
        let statuses = try #require(status.containerStatuses)
        #expect(statuses[0].ready == true)
        #expect(statuses[0].state?.running != nil)
        #expect(statuses[0].lastState == ContainerState())
        let server = statuses[1]
        #expect(server.name == "server")
        #expect(server.ready == false)
        #expect(server.restartCount == 3)
        #expect(server.image == "ghcr.io/example/weather:1.2")
        #expect(server.containerID == "containerd://ccc333")
        #expect(server.state?.waiting?.reason == "CrashLoopBackOff")
        #expect(server.lastState?.terminated?.exitCode == 1)
        #expect(server.lastState?.terminated?.reason == "Error")
        #expect(server.lastState?.terminated?.finishedAt == "2024-05-01T12:00:31Z")
    }

    @Test func decodesEndpointSlice() throws {
        let slice = try decode(EndpointSlice.self, endpointSliceJSON)
        #expect(slice.addressType == "IPv4")
        #expect(slice.metadata.labels?["kubernetes.io/service-name"] == "weather")
        let endpoints = try #require(slice.endpoints)
        #expect(endpoints.count == 2)
        #expect(endpoints[0].addresses == ["10.244.1.17"])
        #expect(endpoints[0].conditions == EndpointConditions(ready: true, serving: true, terminating: false))
        #expect(endpoints[0].targetRef?.name == "weather-6d8f9c7b5d-x2k9p")
        #expect(endpoints[0].nodeName == "worker-1")
        #expect(endpoints[0].zone == "zone-a")
        #expect(endpoints[1].conditions?.terminating == true)
        #expect(slice.ports?.map(\.port) == [8080, 9090])
        #expect(slice.ports?.first?.name == "http")

        // A slice with no endpoints comes back with `null`s.
        let empty = try decode(
            EndpointSlice.self,
            #"{"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","metadata":{"name":"e"},"#
                + #""addressType":"IPv4","endpoints":null,"ports":null}"#
        )
        #expect(empty.endpoints == nil)
        #expect(empty.ports == nil)
    }

    @Test func decodesHorizontalPodAutoscalerV2() throws {
        let hpa = try decode(HorizontalPodAutoscaler.self, hpaJSON)
        let spec = try #require(hpa.spec)
        #expect(spec.scaleTargetRef == CrossVersionObjectReference(
            apiVersion: "mcpoperator.io/v1alpha1", kind: "MCPServer", name: "weather"))
        #expect(spec.minReplicas == 2)
        #expect(spec.maxReplicas == 10)
        let metrics = try #require(spec.metrics)
        #expect(metrics[0].type == "Resource")
        #expect(metrics[0].resource?.name == "cpu")
        #expect(metrics[0].resource?.target == MetricTarget(type: "Utilization", averageUtilization: 70))
        #expect(metrics[1].resource?.target.type == "AverageValue")
        #expect(metrics[1].resource?.target.averageValue == "200Mi")
        #expect(spec.behavior?[path: ["scaleDown", "stabilizationWindowSeconds"]]?.intValue == 300)

        let status = try #require(hpa.status)
        #expect(status.currentReplicas == 3)
        #expect(status.desiredReplicas == 4)
        #expect(status.lastScaleTime == "2024-05-01T12:10:00Z")
        #expect(status.currentMetrics?.first?.resource?.current.averageUtilization == 90)
        #expect(status.currentMetrics?.last?.resource?.current.averageValue == "150Mi")
        #expect(status.conditions?.map(\.type) == ["AbleToScale", "ScalingActive"])
        #expect(status.conditions?.last?.reason == "ValidMetricFound")
    }

    @Test func decodesLeaseWithMicroTime() throws {
        let lease = try decode(Lease.self, leaseJSON)
        #expect(lease.namespace == "mcp-system")
        let spec = try #require(lease.spec)
        #expect(spec.holderIdentity == "mcp-operator-5f7c8d9b6-abcde_6b1e2f3a")
        #expect(spec.leaseDurationSeconds == 15)
        #expect(spec.leaseTransitions == 4)
        #expect(spec.acquireTime == "2024-05-01T12:00:00.000000Z")
        #expect(spec.renewTime == "2024-05-01T12:03:21.482913Z")

        let acquired = try #require(spec.acquireTime.flatMap(KubeTime.date(from:)))
        let renewed = try #require(spec.renewTime.flatMap(KubeTime.date(from:)))
        #expect(abs(renewed.timeIntervalSince(acquired) - 201.482913) < 0.000_001)
        #expect(KubeTime.microString(from: renewed) == "2024-05-01T12:03:21.482913Z")

        // Writing a renewal keeps the MicroTime shape.
        var renewal = lease
        renewal.spec?.renewTime = KubeTime.microString(from: renewed.addingTimeInterval(2.000_001))
        #expect(renewal.spec?.renewTime == "2024-05-01T12:03:23.482914Z")
    }

    @Test func decodesEventsV1Event() throws {
        let event = try decode(Event.self, eventJSON)
        #expect(event.apiVersion == "events.k8s.io/v1")
        #expect(event.eventTime == "2024-05-01T12:02:00.123456Z")
        #expect(event.series == EventSeries(count: 4, lastObservedTime: "2024-05-01T12:05:00.654321Z"))
        #expect(event.reportingController == "mcpoperator.io/operator")
        #expect(event.reportingInstance == "mcp-operator-5f7c8d9b6-abcde")
        #expect(event.action == "PushPolicy")
        #expect(event.reason == "PolicyRejected")
        #expect(event.type == "Warning")
        #expect(event.regarding == ObjectReference(
            apiVersion: "mcpoperator.io/v1alpha1", kind: "MCPServer", name: "weather", namespace: "mcp",
            uid: "0b7f6a52-1111-4c1e-a3c2-9e0d8f7a6b5c", resourceVersion: "48213"))
        #expect(event.related?.fieldPath == "spec.containers{gateway}")
        #expect(event.note?.contains("sqli2") == true)
        #expect(event.deprecatedSource == EventSource())
        #expect(event.deprecatedFirstTimestamp == nil)

        let legacy = try decode(Event.self, legacyEventJSON)
        #expect(legacy.eventTime == nil)
        #expect(legacy.series == nil)
        #expect(legacy.deprecatedCount == 7)
        #expect(legacy.deprecatedSource?.host == "worker-1")
        #expect(legacy.deprecatedLastTimestamp == "2024-05-01T12:04:10Z")
    }

    @Test func decodesCustomResourceDefinitionWithSchema() throws {
        let crd = try decode(CustomResourceDefinition.self, crdJSON)
        #expect(crd.name == "mcpservers.mcpoperator.io")
        #expect(crd.namespace == nil)
        let spec = try #require(crd.spec)
        #expect(spec.group == "mcpoperator.io")
        #expect(spec.scope == "Namespaced")
        #expect(spec.names.kind == "MCPServer")
        #expect(spec.names.listKind == "MCPServerList")
        #expect(spec.names.shortNames == ["mcps"])
        #expect(spec.names.categories == ["mcp"])
        #expect(spec.conversion?["strategy"]?.stringValue == "None")

        let version = try #require(spec.versions.first)
        #expect(version.name == "v1alpha1")
        #expect(version.served && version.storage)
        let schema = try #require(version.schema?.openAPIV3Schema)
        #expect(schema[path: ["properties", "spec", "required"]] == ["image"])
        #expect(schema[path: ["properties", "spec", "properties", "replicas", "minimum"]]?.intValue == 0)
        #expect(schema[path: ["properties", "spec", "properties", "transport", "enum"]]?.arrayValue?.count == 3)
        #expect(schema[path: ["properties", "status", "x-kubernetes-preserve-unknown-fields"]] == true)
        #expect(version.subresources?.status == CustomResourceSubresourceStatus())
        #expect(version.subresources?.scale?.labelSelectorPath == ".status.selector")
        let columns = try #require(version.additionalPrinterColumns)
        #expect(columns.map(\.name) == ["Ready", "Replicas", "Endpoint", "Age"])
        #expect(columns[0].jsonPath == #".status.conditions[?(@.type=="Ready")].status"#)
        #expect(columns[1].description == "Ready replicas")
        #expect(columns[2].priority == 1)
        #expect(columns[3].type == "date")

        let status = try #require(crd.status)
        #expect(status.conditions?.first { $0.type == "Established" }?.status == "True")
        #expect(status.acceptedNames?.plural == "mcpservers")
        #expect(status.storedVersions == ["v1alpha1"])

        // The status subresource re-encodes as an empty object.
        let encoded = try encodedJSON(crd)
        #expect(encoded[path: ["spec", "versions"]]?.arrayValue?.first?[path: ["subresources", "status"]] == [:])
    }

    @Test func decodesScaleSubresource() throws {
        let scale = try decode(Scale.self, scaleJSON)
        #expect(scale.kind == "Scale")
        #expect(scale.spec?.replicas == 3)
        #expect(scale.status?.replicas == 2)
        #expect(scale.status?.selector == "app.kubernetes.io/name=weather")
        #expect(try encodedJSON(scale) == (try JSONValue(parsing: Data(scaleJSON.utf8))))
    }

    @Test func roundTripsEverySample() throws {
        try expectRoundTrip(Deployment.self, deploymentJSON)
        try expectRoundTrip(Pod.self, podJSON)
        try expectRoundTrip(EndpointSlice.self, endpointSliceJSON)
        try expectRoundTrip(HorizontalPodAutoscaler.self, hpaJSON)
        try expectRoundTrip(Lease.self, leaseJSON)
        try expectRoundTrip(Event.self, eventJSON)
        try expectRoundTrip(Event.self, legacyEventJSON)
        try expectRoundTrip(CustomResourceDefinition.self, crdJSON)
        try expectRoundTrip(NetworkPolicy.self, networkPolicyJSON)
        try expectRoundTrip(PodDisruptionBudget.self, pdbJSON)
        try expectRoundTrip(Service.self, serviceJSON)
        try expectRoundTrip(Secret.self, secretJSON)
        try expectRoundTrip(Scale.self, scaleJSON)
    }

    @Test func reencodesModeledSamplesToTheSameJSON() throws {
        func check<T: Codable>(
            _ type: T.Type, _ json: String, sourceLocation: SourceLocation = #_sourceLocation
        ) throws {
            let original = try JSONValue(parsing: Data(json.utf8))
            #expect(try encodedJSON(decode(T.self, json)) == original, sourceLocation: sourceLocation)
        }
        try check(NetworkPolicy.self, networkPolicyJSON)
        try check(PodDisruptionBudget.self, pdbJSON)
        try check(Service.self, serviceJSON)
        try check(Secret.self, secretJSON)
        try check(Lease.self, leaseJSON)
        try check(EndpointSlice.self, endpointSliceJSON)
        try check(HorizontalPodAutoscaler.self, hpaJSON)
        try check(CustomResourceDefinition.self, crdJSON)
    }

    @Test func decodesNetworkPolicyAndDisruptionBudget() throws {
        let policy = try decode(NetworkPolicy.self, networkPolicyJSON)
        let spec = try #require(policy.spec)
        #expect(spec.policyTypes == ["Ingress", "Egress"])
        let from = try #require(spec.ingress?.first?.from?.first)
        #expect(from.namespaceSelector?.matchExpressions?.first?.operator == "In")
        #expect(spec.ingress?.first?.ports?.first?.port == "mcp")
        #expect(spec.egress?[0].to?.first?.ipBlock?.except?.count == 2)
        #expect(spec.egress?[0].ports?[1].endPort == 32767)
        #expect(spec.egress?[1].to?.first?.namespaceSelector == LabelSelector())

        let pdb = try decode(PodDisruptionBudget.self, pdbJSON)
        #expect(pdb.spec?.maxUnavailable == 1)
        #expect(pdb.spec?.minAvailable == nil)
        #expect(pdb.spec?.unhealthyPodEvictionPolicy == "AlwaysAllow")
        #expect(pdb.status?.disruptionsAllowed == 1)
        #expect(pdb.status?.disruptedPods?["weather-6d8f9c7b5d-q7w8e"] == "2024-05-01T12:20:00Z")
        #expect(pdb.status?.conditions?.first?.observedGeneration == 1)

        let service = try decode(Service.self, serviceJSON)
        #expect(service.spec?.ports?.first?.targetPort == "http")
        #expect(service.spec?.ports?.last?.targetPort == 9090)
        #expect(service.spec?.ports?.first?.protocol == "TCP")
        #expect(service.spec?.sessionAffinityConfig?.clientIP?.timeoutSeconds == 10800)
        #expect(service.status?.loadBalancer?.ingress?.first?.ip == "203.0.113.10")
    }

    @Test func sparseObjectsEncodeOnlyTheFieldsThatWereSet() throws {
        let deployment = Deployment(
            metadata: ObjectMeta(name: "weather", namespace: "mcp"),
            spec: DeploymentSpec(
                replicas: 2,
                selector: LabelSelector(matchLabels: ["app": "weather"]),
                template: PodTemplateSpec(
                    metadata: ObjectMeta(labels: ["app": "weather"]),
                    spec: PodSpec(containers: [Container(name: "server", image: "ghcr.io/example/weather:1.2")]))))
        let expected: JSONValue = [
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": ["name": "weather", "namespace": "mcp"],
            "spec": [
                "replicas": 2,
                "selector": ["matchLabels": ["app": "weather"]],
                "template": [
                    "metadata": ["labels": ["app": "weather"]],
                    "spec": ["containers": [["name": "server", "image": "ghcr.io/example/weather:1.2"]]],
                ],
            ],
        ]
        #expect(try encodedJSON(deployment) == expected)
        let text = String(decoding: try JSONEncoder().encode(deployment), as: UTF8.self)
        #expect(!text.contains("null"))

        // Only what was set, for kinds without a spec too.
        let configMap = ConfigMap(metadata: ObjectMeta(name: "weather-policy"), data: ["policy.json": "{}"])
        #expect(try encodedJSON(configMap) == [
            "apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "weather-policy"],
            "data": ["policy.json": "{}"],
        ])

        let service = Service(
            metadata: ObjectMeta(name: "weather"),
            spec: ServiceSpec(ports: [ServicePort(name: "http", port: 80, targetPort: "http")]))
        #expect(try encodedJSON(service) == [
            "apiVersion": "v1", "kind": "Service", "metadata": ["name": "weather"],
            "spec": ["ports": [["name": "http", "port": 80, "targetPort": "http"]]],
        ])

        // A status-only apply carries no spec.
        let status = Deployment(metadata: ObjectMeta(name: "weather"), status: DeploymentStatus(readyReplicas: 1))
        #expect(try encodedJSON(status) == [
            "apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": "weather"],
            "status": ["readyReplicas": 1],
        ])

        // The required podSelector is sent empty: it selects every pod.
        let denyAll = NetworkPolicy(
            metadata: ObjectMeta(name: "deny-all"), spec: NetworkPolicySpec(policyTypes: ["Ingress"]))
        #expect(try encodedJSON(denyAll) == [
            "apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": ["name": "deny-all"],
            "spec": ["podSelector": [:], "policyTypes": ["Ingress"]],
        ])

        #expect(try encodedJSON(Namespace(metadata: ObjectMeta(name: "mcp"))) == [
            "apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "mcp"],
        ])
    }

    @Test func decodingToleratesMissingTypeMeta() throws {
        let configMap = try decode(ConfigMap.self, #"{"data":{"a":"b"}}"#)
        #expect(configMap.apiVersion == "v1")
        #expect(configMap.kind == "ConfigMap")
        #expect(configMap.metadata == ObjectMeta())
        #expect(configMap.data == ["a": "b"])

        let lease = try decode(Lease.self, #"{"metadata":{"name":"l"}}"#)
        #expect(lease.apiVersion == "coordination.k8s.io/v1")
        #expect(lease.kind == "Lease")
        #expect(lease.spec == nil)
    }

    @Test func typeMetaDefaultsMatchResourceTypes() {
        func check<T: KubernetesResource & Encodable>(_ value: T, sourceLocation: SourceLocation = #_sourceLocation) {
            let encoded = try? encodedJSON(value)
            #expect(encoded?["apiVersion"]?.stringValue == T.resourceType.apiVersion, sourceLocation: sourceLocation)
            #expect(encoded?["kind"]?.stringValue == T.resourceType.kind, sourceLocation: sourceLocation)
        }
        check(Namespace())
        check(ConfigMap())
        check(Secret())
        check(ServiceAccount())
        check(Service())
        check(Pod())
        check(EndpointSlice(addressType: "IPv4"))
        check(Deployment())
        check(NetworkPolicy())
        check(HorizontalPodAutoscaler())
        check(PodDisruptionBudget())
        check(Lease())
        check(Event())
        check(CustomResourceDefinition())

        #expect(Deployment.resourceType.collectionPath(namespace: "mcp") == "/apis/apps/v1/namespaces/mcp/deployments")
        #expect(Event.resourceType.apiPrefix == "/apis/events.k8s.io/v1")
        #expect(CustomResourceDefinition.resourceType.collectionPath(namespace: "ignored")
            == "/apis/apiextensions.k8s.io/v1/customresourcedefinitions")
        #expect(!Namespace.resourceType.namespaced)
        #expect(Scale().apiVersion == "autoscaling/v1")
    }

    @Test func intOrStringCodesAsABareIntOrString() throws {
        #expect(try decode(IntOrString.self, "8080") == .int(8080))
        #expect(try decode(IntOrString.self, #""http""#) == .string("http"))
        #expect(try decode(IntOrString.self, #""25%""#) == "25%")
        #expect(try decode([IntOrString].self, #"[1, "1"]"#) == [.int(1), .string("1")])
        #expect(throws: DecodingError.self) { try decode(IntOrString.self, "true") }
        #expect(throws: DecodingError.self) { try decode(IntOrString.self, "1.5") }

        #expect(String(decoding: try JSONEncoder().encode(IntOrString.int(443)), as: UTF8.self) == "443")
        #expect(String(decoding: try JSONEncoder().encode(IntOrString.string("https")), as: UTF8.self) == #""https""#)
        let port = NetworkPolicyPort(protocol: "TCP", port: 443)
        #expect(try encodedJSON(port) == ["protocol": "TCP", "port": 443])

        #expect(IntOrString.int(3).intValue == 3)
        #expect(IntOrString.string("x").stringValue == "x")
        #expect(IntOrString.int(3).stringValue == nil)
        #expect(IntOrString.int(2).scaledValue(total: 10, roundUp: true) == 2)
        #expect(IntOrString.string("25%").scaledValue(total: 10, roundUp: true) == 3)
        #expect(IntOrString.string("25%").scaledValue(total: 10, roundUp: false) == 2)
        #expect(IntOrString.string("http").scaledValue(total: 10, roundUp: false) == nil)
        #expect(IntOrString.string("25%").description == "25%")
    }

    @Test func kubeTimeFormatsAndParses() throws {
        let date = Date(timeIntervalSince1970: 1_714_564_801.123456)  // 2024-05-01T12:00:01.123456Z
        #expect(KubeTime.string(from: date) == "2024-05-01T12:00:01Z")
        #expect(KubeTime.microString(from: date) == "2024-05-01T12:00:01.123456Z")
        #expect(KubeTime.microString(from: Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000000Z")
        #expect(KubeTime.string(from: Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29T00:00:00Z")
        #expect(KubeTime.string(from: Date(timeIntervalSince1970: -1)) == "1969-12-31T23:59:59Z")

        #expect(KubeTime.date(from: "2024-05-01T12:00:01Z") == Date(timeIntervalSince1970: 1_714_564_801))
        #expect(KubeTime.date(from: "2024-05-01T14:00:01+02:00") == Date(timeIntervalSince1970: 1_714_564_801))
        let parsed = try #require(KubeTime.date(from: "2024-05-01T12:00:01.123456Z"))
        #expect(abs(parsed.timeIntervalSince(date)) < 0.000_001)
        #expect(KubeTime.microString(from: parsed) == "2024-05-01T12:00:01.123456Z")
        #expect(KubeTime.date(from: "2024-05-01T12:00:01.5Z") == Date(timeIntervalSince1970: 1_714_564_801.5))
        for bad in ["", "2024-05-01", "2024-05-01T12:00:01", "2024-13-01T00:00:00Z", "2024-05-01T12:00:01.Z",
                    "2024-05-01T12:00:01Zjunk"] {
            #expect(KubeTime.date(from: bad) == nil, "\(bad)")
        }
    }

    @Test func labelSelectorsMatchAndRender() {
        let selector = LabelSelector(
            matchLabels: ["app": "weather"],
            matchExpressions: [
                LabelSelectorRequirement(key: "tier", operator: "In", values: ["gateway", "server"]),
                LabelSelectorRequirement(key: "legacy", operator: "DoesNotExist"),
            ])
        #expect(selector.matches(["app": "weather", "tier": "server"]))
        #expect(!selector.matches(["app": "weather", "tier": "plugin"]))
        #expect(!selector.matches(["app": "weather", "tier": "server", "legacy": "yes"]))
        #expect(!selector.matches(["tier": "server"]))
        #expect(LabelSelector().matches([:]))
        #expect(LabelSelector().isEmpty)
        #expect(selector.queryString == "app=weather,!legacy,tier in (gateway,server)")
        #expect(LabelSelector(matchExpressions: [
            LabelSelectorRequirement(key: "b", operator: "NotIn", values: ["y", "x"]),
            LabelSelectorRequirement(key: "a", operator: "Exists"),
        ]).queryString == "a,b notin (x,y)")
    }

    @Test func secretDataIsBase64OnTheWire() throws {
        var secret = try decode(Secret.self, secretJSON)
        #expect(secret.decodedData["token"] == Data("s3cr3t-t0ken".utf8))
        secret.setData(Data("hunter2".utf8), forKey: "password")
        #expect(secret.data?["password"] == "aHVudGVyMg==")
        let encoded = try encodedJSON(secret)
        #expect(encoded[path: ["data", "password"]] == "aHVudGVyMg==")
    }
}
