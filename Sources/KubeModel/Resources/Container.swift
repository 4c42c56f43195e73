/// One container of a pod (core/v1 Container).
public struct Container: Codable, Sendable, Hashable {
    /// Unique within the pod; the key the server merges containers by.
    public var name: String
    public var image: String?
    /// `Always`, `IfNotPresent` or `Never`.
    public var imagePullPolicy: String?
    /// Replaces the image's entrypoint.
    public var command: [String]?
    /// Replaces the image's command arguments.
    public var args: [String]?
    public var workingDir: String?
    public var ports: [ContainerPort]?
    public var env: [EnvVar]?
    public var envFrom: [EnvFromSource]?
    public var resources: ResourceRequirements?
    public var volumeMounts: [VolumeMount]?
    public var livenessProbe: Probe?
    public var readinessProbe: Probe?
    public var startupProbe: Probe?
    /// postStart and preStop hooks, untyped.
    public var lifecycle: JSONValue?
    public var securityContext: SecurityContext?
    /// Only for init containers: `Always` makes a sidecar.
    public var restartPolicy: String?
    public var terminationMessagePath: String?
    public var terminationMessagePolicy: String?
    public var stdin: Bool?
    public var tty: Bool?

    public init(
        name: String,
        image: String? = nil,
        imagePullPolicy: String? = nil,
        command: [String]? = nil,
        args: [String]? = nil,
        workingDir: String? = nil,
        ports: [ContainerPort]? = nil,
        env: [EnvVar]? = nil,
        envFrom: [EnvFromSource]? = nil,
        resources: ResourceRequirements? = nil,
        volumeMounts: [VolumeMount]? = nil,
        livenessProbe: Probe? = nil,
        readinessProbe: Probe? = nil,
        startupProbe: Probe? = nil,
        lifecycle: JSONValue? = nil,
        securityContext: SecurityContext? = nil,
        restartPolicy: String? = nil,
        terminationMessagePath: String? = nil,
        terminationMessagePolicy: String? = nil,
        stdin: Bool? = nil,
        tty: Bool? = nil
    ) {
        self.name = name
        self.image = image
        self.imagePullPolicy = imagePullPolicy
        self.command = command
        self.args = args
        self.workingDir = workingDir
        self.ports = ports
        self.env = env
        self.envFrom = envFrom
        self.resources = resources
        self.volumeMounts = volumeMounts
        self.livenessProbe = livenessProbe
        self.readinessProbe = readinessProbe
        self.startupProbe = startupProbe
        self.lifecycle = lifecycle
        self.securityContext = securityContext
        self.restartPolicy = restartPolicy
        self.terminationMessagePath = terminationMessagePath
        self.terminationMessagePolicy = terminationMessagePolicy
        self.stdin = stdin
        self.tty = tty
    }
}

/// A port a container listens on.
public struct ContainerPort: Codable, Sendable, Hashable {
    /// An IANA service name, unique in the pod, that services can target.
    public var name: String?
    public var containerPort: Int
    /// `TCP` (the default), `UDP` or `SCTP`.
    public var `protocol`: String?
    public var hostPort: Int?
    public var hostIP: String?

    public init(
        name: String? = nil,
        containerPort: Int,
        `protocol`: String? = nil,
        hostPort: Int? = nil,
        hostIP: String? = nil
    ) {
        self.name = name
        self.containerPort = containerPort
        self.`protocol` = `protocol`
        self.hostPort = hostPort
        self.hostIP = hostIP
    }
}

/// An environment variable: a literal value, or a value taken from elsewhere.
public struct EnvVar: Codable, Sendable, Hashable {
    public var name: String
    public var value: String?
    public var valueFrom: EnvVarSource?

    public init(name: String, value: String? = nil, valueFrom: EnvVarSource? = nil) {
        self.name = name
        self.value = value
        self.valueFrom = valueFrom
    }
}

/// Where an environment variable's value comes from; set exactly one.
public struct EnvVarSource: Codable, Sendable, Hashable {
    /// A field of the pod, such as `metadata.name` or `status.podIP`.
    public var fieldRef: ObjectFieldSelector?
    /// A resource limit or request of a container.
    public var resourceFieldRef: ResourceFieldSelector?
    public var configMapKeyRef: ConfigMapKeySelector?
    public var secretKeyRef: SecretKeySelector?

    public init(
        fieldRef: ObjectFieldSelector? = nil,
        resourceFieldRef: ResourceFieldSelector? = nil,
        configMapKeyRef: ConfigMapKeySelector? = nil,
        secretKeyRef: SecretKeySelector? = nil
    ) {
        self.fieldRef = fieldRef
        self.resourceFieldRef = resourceFieldRef
        self.configMapKeyRef = configMapKeyRef
        self.secretKeyRef = secretKeyRef
    }
}

/// Selects a field of the pod.
public struct ObjectFieldSelector: Codable, Sendable, Hashable {
    public var apiVersion: String?
    public var fieldPath: String

    public init(apiVersion: String? = nil, fieldPath: String) {
        self.apiVersion = apiVersion
        self.fieldPath = fieldPath
    }
}

/// Selects a resource limit or request of a container.
public struct ResourceFieldSelector: Codable, Sendable, Hashable {
    public var containerName: String?
    /// Such as `limits.cpu` or `requests.memory`.
    public var resource: String
    public var divisor: Quantity?

    public init(containerName: String? = nil, resource: String, divisor: Quantity? = nil) {
        self.containerName = containerName
        self.resource = resource
        self.divisor = divisor
    }
}

/// Selects one key of a ConfigMap.
public struct ConfigMapKeySelector: Codable, Sendable, Hashable {
    public var name: String?
    public var key: String
    public var optional: Bool?

    public init(name: String? = nil, key: String, optional: Bool? = nil) {
        self.name = name
        self.key = key
        self.optional = optional
    }
}

/// Selects one key of a Secret.
public struct SecretKeySelector: Codable, Sendable, Hashable {
    public var name: String?
    public var key: String
    public var optional: Bool?

    public init(name: String? = nil, key: String, optional: Bool? = nil) {
        self.name = name
        self.key = key
        self.optional = optional
    }
}

/// Imports every key of a ConfigMap or Secret as environment variables.
public struct EnvFromSource: Codable, Sendable, Hashable {
    public var prefix: String?
    public var configMapRef: ConfigMapEnvSource?
    public var secretRef: SecretEnvSource?

    public init(prefix: String? = nil, configMapRef: ConfigMapEnvSource? = nil, secretRef: SecretEnvSource? = nil) {
        self.prefix = prefix
        self.configMapRef = configMapRef
        self.secretRef = secretRef
    }
}

/// A ConfigMap whose keys become environment variables.
public struct ConfigMapEnvSource: Codable, Sendable, Hashable {
    public var name: String?
    public var optional: Bool?

    public init(name: String? = nil, optional: Bool? = nil) {
        self.name = name
        self.optional = optional
    }
}

/// A Secret whose keys become environment variables.
public struct SecretEnvSource: Codable, Sendable, Hashable {
    public var name: String?
    public var optional: Bool?

    public init(name: String? = nil, optional: Bool? = nil) {
        self.name = name
        self.optional = optional
    }
}

/// Compute resources a container requests and is limited to.
public struct ResourceRequirements: Codable, Sendable, Hashable {
    /// Maximums by resource name, such as `cpu: 500m`, `memory: 256Mi`.
    public var limits: [String: Quantity]?
    /// Amounts reserved for scheduling.
    public var requests: [String: Quantity]?

    public init(limits: [String: Quantity]? = nil, requests: [String: Quantity]? = nil) {
        self.limits = limits
        self.requests = requests
    }
}

/// Where a volume appears in a container's filesystem.
public struct VolumeMount: Codable, Sendable, Hashable {
    /// The name of a volume of the pod.
    public var name: String
    public var mountPath: String
    public var readOnly: Bool?
    /// A path inside the volume to mount instead of its root.
    public var subPath: String?
    public var subPathExpr: String?
    public var mountPropagation: String?

    public init(
        name: String,
        mountPath: String,
        readOnly: Bool? = nil,
        subPath: String? = nil,
        subPathExpr: String? = nil,
        mountPropagation: String? = nil
    ) {
        self.name = name
        self.mountPath = mountPath
        self.readOnly = readOnly
        self.subPath = subPath
        self.subPathExpr = subPathExpr
        self.mountPropagation = mountPropagation
    }
}
