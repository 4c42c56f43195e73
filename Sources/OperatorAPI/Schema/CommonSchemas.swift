import KubeModel

/// Schemas of the Kubernetes types the operator's resources embed.
enum CommonSchemas {
    static let quantity = Schema.intOrString("A quantity such as 500m, 1, 256Mi or 1Gi.", pattern: MCPServerLimits.quantityPattern)

    static let resources = Schema.object("CPU and memory requests and limits.", [
        "limits": Schema.map("The most the container may use, by resource name (cpu, memory).", of: quantity),
        "requests": Schema.map("What the container is guaranteed, by resource name (cpu, memory).", of: quantity),
    ])

    static let env = Schema.array("Environment variables.", of: Schema.object("One environment variable.", [
        "name": Schema.string("The variable's name.", minLength: 1),
        "value": Schema.string("A literal value."),
        "valueFrom": Schema.object("A value from a Secret or ConfigMap key, or a field of the pod (core/v1 EnvVarSource).", [
            "fieldRef": Schema.object("A field of the pod, such as metadata.name or status.podIP.", [
                "apiVersion": Schema.string("The schema version of fieldPath (v1)."),
                "fieldPath": Schema.string("The field's path."),
            ], required: ["fieldPath"]),
            "resourceFieldRef": Schema.object("A resource limit or request of a container.", [
                "containerName": Schema.string("The container; this one by default."),
                "resource": Schema.string("limits.cpu, limits.memory, requests.cpu, requests.memory and the like."),
                "divisor": quantity,
            ], required: ["resource"]),
            "configMapKeyRef": keySelector("A key of a ConfigMap in the server's namespace."),
            "secretKeyRef": keySelector("A key of a Secret in the server's namespace."),
        ]),
    ], required: ["name"]), mapKeys: ["name"])

    static func keySelector(_ description: String) -> JSONValue {
        Schema.object(description, [
            "name": Schema.string("The object's name."),
            "key": Schema.string("The key."),
            "optional": Schema.boolean("Whether the object or key may be missing."),
        ], required: ["key"])
    }

    static let envFrom = Schema.array("Environment variables from whole Secrets or ConfigMaps.",
                                      of: Schema.object("A Secret or ConfigMap to take every key of.", [
                                          "prefix": Schema.string("A prefix added to every variable name."),
                                          "configMapRef": Schema.object("A ConfigMap.", [
                                              "name": Schema.string("The ConfigMap's name."),
                                              "optional": Schema.boolean("Whether the ConfigMap may be missing."),
                                          ]),
                                          "secretRef": Schema.object("A Secret.", [
                                              "name": Schema.string("The Secret's name."),
                                              "optional": Schema.boolean("Whether the Secret may be missing."),
                                          ]),
                                      ]))

    static let labelSelector = Schema.object("A label selector: matchLabels and matchExpressions, ANDed; empty selects everything.", [
        "matchLabels": Schema.map("Labels that must all be present with these values.", of: Schema.string("A label value.")),
        "matchExpressions": Schema.array("Requirements that must all hold.", of: Schema.object("One requirement.", [
            "key": Schema.string("The label key."),
            "operator": Schema.string("How the key relates to the values.", enum: ["In", "NotIn", "Exists", "DoesNotExist"]),
            "values": Schema.array("Values for In and NotIn.", of: Schema.string("A value.")),
        ], required: ["key", "operator"])),
    ])

    static let condition = Schema.object("A condition, per the Kubernetes API conventions.", [
        "type": Schema.string("The condition's type.", maxLength: 316),
        "status": Schema.string("True, False or Unknown.", enum: ["True", "False", "Unknown"]),
        "observedGeneration": Schema.integer("The generation the condition was set for.", minimum: 0, format: "int64"),
        "lastTransitionTime": Schema.string("When the status last changed.", format: "date-time"),
        "reason": Schema.string("A CamelCase reason for the last transition.", maxLength: 1024),
        "message": Schema.string("A human-readable message.", maxLength: 32768),
    ], required: ["type", "status", "lastTransitionTime", "reason", "message"])

    static let conditions = Schema.array("The latest observations of the object's state.", of: condition, mapKeys: ["type"])
}
