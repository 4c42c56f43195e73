import KubeModel

extension MCPServer {
    /// The OpenAPI v3 schema of the whole object, as the CRD carries it.
    public static var openAPISchema: JSONValue {
        Schema.object("An MCP server run by mcp-operator: its container, replicas, isolated plugins, policies and gateway.", [
            "apiVersion": Schema.string("The versioned schema of this object."),
            "kind": Schema.string("The kind of this object."),
            "metadata": ["type": "object"],
            "spec": specSchema,
            "status": statusSchema,
        ], required: ["spec"], rules: [
            (rule: "self.metadata.name.size() <= \(MCPServerLimits.nameMaxLength)",
             message: "metadata.name must be at most \(MCPServerLimits.nameMaxLength) characters (room for -plugin-<name> in child names)"),
            (rule: "self.metadata.name.matches('^[a-z]')",
             message: "metadata.name must start with a letter (it names the server's Service, a DNS-1035 label)"),
        ])
    }

    static let transports = MCPTransport.allCases.map(\.rawValue)

    static func endpointRules(defaultTransport: MCPTransport) -> [(rule: String, message: String)] {
        [
            (rule: "(has(self.transport) ? self.transport : '\(defaultTransport.rawValue)') == 'stdio' || has(self.port)",
             message: "port is required when transport is streamable-http or sse"),
        ]
    }

    static var pluginSchema: JSONValue {
        Schema.object("A plugin: an MCP server of its own in an isolated container, reachable only from its server's gateway.", [
            "name": Schema.string("A DNS label, unique in the server; the plugin's tools appear as <name>__<tool>.",
                                  pattern: MCPServerLimits.dnsLabelPattern, maxLength: MCPServerLimits.pluginNameMaxLength),
            "image": Schema.string("The plugin's container image.", minLength: 1),
            "command": Schema.array("The entrypoint; the image's when empty.", of: Schema.string("An argument.")),
            "args": Schema.array("Arguments to the entrypoint.", of: Schema.string("An argument.")),
            "env": CommonSchemas.env,
            "transport": Schema.string("How the gateway reaches the plugin.", enum: transports, default: MCPTransport.streamableHTTP.rawValue),
            "port": Schema.integer("The plugin's port for HTTP transports.", minimum: 1, maximum: 65535),
            "path": Schema.string("The HTTP path of the MCP endpoint; /mcp or /sse by default.", pattern: "^/"),
            "resources": CommonSchemas.resources,
            "egress": Schema.object("Where the plugin may connect; absent or empty means nowhere.", [
                "allow": Schema.array("Allowed destinations.", of: Schema.object("A destination: a CIDR and optional TCP ports.", [
                    "cidr": Schema.string("An IPv4 or IPv6 CIDR, such as 10.0.0.0/8.", minLength: 1),
                    "ports": Schema.array("Ports, each for TCP and UDP; all when empty.", of: Schema.integer("A port.", minimum: 1, maximum: 65535), set: true),
                ], required: ["cidr"])),
                "allowDNS": Schema.boolean(
                    "Whether the plugin may query the cluster's DNS (kube-system pods labelled k8s-app=kube-dns, UDP and TCP 53). Rules by address cannot admit it portably: NetworkPolicy may see the DNS Service's address rewritten to a pod's.",
                    default: false),
            ]),
        ], required: ["name", "image"], rules: endpointRules(defaultTransport: .streamableHTTP))
    }

    static var specSchema: JSONValue {
        Schema.object("What runs, how many, with which plugins and policies.", [
            "image": Schema.string("The server's container image.", minLength: 1),
            "command": Schema.array("The entrypoint; the image's when empty.", of: Schema.string("An argument.")),
            "args": Schema.array("Arguments to the entrypoint.", of: Schema.string("An argument.")),
            "env": CommonSchemas.env,
            "envFrom": CommonSchemas.envFrom,
            "transport": Schema.string("How the gateway reaches the server: stdio (the gateway runs the command), streamable-http or sse.",
                                       enum: transports, default: MCPTransport.stdio.rawValue),
            "port": Schema.integer("The port of an HTTP server; required for streamable-http and sse.", minimum: 1, maximum: 65535),
            "path": Schema.string("The HTTP path of the MCP endpoint; /mcp or /sse by default.", pattern: "^/"),
            "resources": CommonSchemas.resources,
            "replicas": Schema.integer("Desired replicas when autoscaling is not set (1 by default, so the scale subresource and an HPA aimed at the server read a real count).", minimum: 0, maximum: MCPServerLimits.maxReplicas, default: 1),
            "autoscaling": Schema.object("Scale between bounds on CPU or memory use; an HPA then owns the replica count.", [
                "minReplicas": Schema.integer("The fewest replicas.", minimum: 1, maximum: MCPServerLimits.maxReplicas, default: 1),
                "maxReplicas": Schema.integer("The most replicas.", minimum: 1, maximum: MCPServerLimits.maxReplicas),
                "targetCPUUtilizationPercentage": Schema.integer("Target average CPU use, percent of requests.", minimum: 1, maximum: 100),
                "targetMemoryUtilizationPercentage": Schema.integer("Target average memory use, percent of requests.", minimum: 1, maximum: 100),
            ], required: ["maxReplicas"], rules: [
                (rule: "self.maxReplicas >= (has(self.minReplicas) ? self.minReplicas : 1)", message: "maxReplicas must be greater than or equal to minReplicas"),
            ]),
            "sessionAffinity": Schema.string("ClientIP keeps a client on one replica, for stateful MCP sessions.",
                                             enum: ["None", "ClientIP"], default: "None"),
            "plugins": Schema.array("Isolated plugin containers whose tools are merged into the server's.", of: pluginSchema,
                                    mapKeys: ["name"], maxItems: MCPServerLimits.maxPlugins),
            "policyRefs": Schema.array("Names of MCPPolicy objects in this namespace that the server enforces.",
                                       of: Schema.string("An MCPPolicy name.", maxLength: 253), set: true),
            "gateway": Schema.object("The policy-enforcing gateway in front of the server.", [
                "image": Schema.string("The gateway image; the operator's default when empty."),
                "serviceType": Schema.string("How the Service is exposed.", enum: ["ClusterIP", "NodePort", "LoadBalancer"], default: "ClusterIP"),
                "port": Schema.integer("The port clients connect to.", minimum: 1, maximum: 65535, default: 8080),
                "allowFrom": Schema.array("Pods allowed to connect besides those of the namespace.", of: CommonSchemas.labelSelector),
                "apiKeysSecretRef": Schema.string("A Secret in this namespace whose keys are API key names and values the keys."),
                "resources": CommonSchemas.resources,
                "allowedOrigins": Schema.array(
                    "Origins of browser-based clients admitted besides localhost ones (scheme://host[:port], or * for any); they also get CORS headers.",
                    of: Schema.string("An origin.", pattern: MCPServerLimits.originPattern), set: true),
            ]),
        ], required: ["image"], rules: endpointRules(defaultTransport: .stdio))
    }

    static var statusSchema: JSONValue {
        Schema.object("What the operator observed.", [
            "observedGeneration": Schema.integer("The generation this status describes.", minimum: 0, format: "int64"),
            "conditions": CommonSchemas.conditions,
            "replicas": Schema.integer("Replicas running.", minimum: 0),
            "readyReplicas": Schema.integer("Replicas ready to serve.", minimum: 0),
            "selector": Schema.string("The label selector of the server's pods (for the scale subresource)."),
            "endpoint": Schema.string("The URL an MCP client connects to."),
            "policy": Schema.object("The policy version wanted and what each replica acknowledged.", [
                "desiredVersion": Schema.string("sha256:<hex> of the canonical policy document."),
                "replicas": Schema.array("One entry per replica.", of: Schema.object("What one replica enforces.", [
                    "name": Schema.string("The pod name."),
                    "version": Schema.string("The version it acknowledged."),
                    "ackedAt": Schema.string("When it acknowledged.", format: "date-time"),
                    "lastError": Schema.string("The error of the last push, when it failed."),
                ], required: ["name"]), mapKeys: ["name"]),
            ]),
            "plugins": Schema.array("Each plugin's state.", of: Schema.object("One plugin's state.", [
                "name": Schema.string("The plugin's name."),
                "ready": Schema.boolean("Whether the plugin serves."),
                "restarts": Schema.integer("Container restarts.", minimum: 0),
                "lastExitReason": Schema.string("Why the plugin last exited."),
            ], required: ["name"]), mapKeys: ["name"]),
        ])
    }
}
