{{/*
The prefix of every object name: fullnameOverride, or the release name with "-mcp-operator"
appended unless it already contains it; cut to 55 characters (so "-metrics" still makes a DNS label).
*/}}
{{- define "mcp-operator.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 55 | trimSuffix "-" -}}
{{- else if contains "mcp-operator" .Release.Name -}}
{{- .Release.Name | trunc 55 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-mcp-operator" .Release.Name | trunc 55 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/*
Labels that select the operator's pods. app.kubernetes.io/name stays "mcp-operator": the
servers' NetworkPolicies admit pods with this label (in the operator's namespace) to the
gateways' admin port.
*/}}
{{- define "mcp-operator.selectorLabels" -}}
app.kubernetes.io/name: mcp-operator
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: controller
{{- end -}}

{{/* Labels of every object. */}}
{{- define "mcp-operator.labels" -}}
app.kubernetes.io/name: mcp-operator
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/part-of: mcp-operator
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{/* The ServiceAccount the operator runs as. */}}
{{- define "mcp-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "mcp-operator.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/*
"true" when the operator elects a leader: with more than one replica (the chart passes
--leader-elect), or when extraArgs passes it. The Lease Role follows.
*/}}
{{- define "mcp-operator.leaderElect" -}}
{{- if or (gt (int .Values.replicaCount) 1) (has "--leader-elect" .Values.extraArgs) -}}true{{- end -}}
{{- end -}}

{{/* The operator image reference. */}}
{{- define "mcp-operator.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/* The default gateway image reference. */}}
{{- define "mcp-operator.gatewayImage" -}}
{{- printf "%s:%s" .Values.gateway.image.repository (default .Chart.AppVersion .Values.gateway.image.tag) -}}
{{- end -}}

{{/*
The permissions the operator uses on MCPServers, MCPPolicies and the objects it makes for them,
the same rules as manifests/rbac/cluster_role.yaml and manifests/rbac/namespaced/role.yaml
(hack/checks keeps the three identical).
*/}}
{{- define "mcp-operator.rules" -}}
# MCPServers and MCPPolicies are read from the watch cache (list, watch); their status is
# written with PUT on the status subresource, and after a 409 Conflict the object is read
# again (get) before the status is recomputed.
- apiGroups: ["mcpoperator.io"]
  resources: ["mcpservers", "mcppolicies"]
  verbs: ["get", "list", "watch"]
- apiGroups: ["mcpoperator.io"]
  resources: ["mcpservers/status", "mcppolicies/status"]
  verbs: ["update"]
# Children carry ownerReferences with blockOwnerDeletion: true, which the
# OwnerReferencesPermissionEnforcement admission plugin allows only with update on finalizers.
- apiGroups: ["mcpoperator.io"]
  resources: ["mcpservers/finalizers"]
  verbs: ["update"]
# Children are written with server-side apply (PATCH, which creates a missing object: create is
# granted for that) and pruned with delete when no longer planned.
- apiGroups: ["apps"]
  resources: ["deployments"]
  verbs: ["list", "watch", "create", "patch", "delete"]
- apiGroups: [""]
  resources: ["services"]
  verbs: ["list", "watch", "create", "patch", "delete"]
- apiGroups: [""]
  resources: ["serviceaccounts"]
  verbs: ["list", "watch", "create", "patch"]
# get: a threat-intel feed in a ConfigMap key is read from the API server.
- apiGroups: [""]
  resources: ["configmaps"]
  verbs: ["get", "list", "watch", "create", "patch"]
# get: the admin token is read back from the API server when the cache lacks the Secret.
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["get", "list", "watch", "create", "patch"]
- apiGroups: ["networking.k8s.io"]
  resources: ["networkpolicies"]
  verbs: ["list", "watch", "create", "patch", "delete"]
- apiGroups: ["autoscaling"]
  resources: ["horizontalpodautoscalers"]
  verbs: ["list", "watch", "create", "patch", "delete"]
- apiGroups: ["policy"]
  resources: ["poddisruptionbudgets"]
  verbs: ["list", "watch", "create", "patch", "delete"]
# Pods of servers are watched for readiness, restarts and waiting reasons.
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["list", "watch"]
# Events are created, and a repeat patches the first one's series.
- apiGroups: ["events.k8s.io"]
  resources: ["events"]
  verbs: ["create", "patch"]
{{- end -}}
