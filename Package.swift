// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "mcp-operator",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "ControlPlaneHTTP", targets: ["ControlPlaneHTTP"]),
        .library(name: "KubeClient", targets: ["KubeClient"]),
        .library(name: "KubeTesting", targets: ["KubeTesting"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.7.1"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
    ],
    targets: [
        // Layer 1: adapters.
        .systemLibrary(
            name: "CCurl",
            path: "Sources/CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        // Layer 1: child processes started with a clean signal state and no inherited descriptors.
        .target(name: "ProcessSpawn"),
        .target(
            name: "ControlPlaneHTTP",
            dependencies: [
                "CCurl",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "KubeClient",
            dependencies: [
                "ProcessSpawn",
                "KubeModel",
                "ControlPlaneHTTP",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Layer 0: pure logic.
        .target(name: "KubeModel"),
        .target(
            name: "PolicyEngine",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(
            name: "OperatorAPI",
            dependencies: ["KubeModel", "PolicyEngine", .product(name: "Yams", package: "Yams")]
        ),
        // Layer 2: machinery and features.
        .target(
            name: "ControllerRuntime",
            dependencies: [
                "KubeClient",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "OperatorCore",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                "ControllerRuntime",
                "KubeClient",
                "OperatorAPI",
                "PolicyEngine",
                "PolicyDistribution",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        // Policy distribution: the pusher (admin endpoints, acks, retries, verification),
        // threat-intel feeds and the policy parts of statuses; one implementation for the operator
        // and local mode.
        .target(
            name: "PolicyDistribution",
            dependencies: [
                "ControlPlaneHTTP",
                "KubeClient",
                "OperatorAPI",
                "PolicyEngine",
                "KubeModel",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        // Local mode: the embedded SQLite store and the Docker reconciler.
        .target(
            name: "LocalStore",
            dependencies: [
                "KubeModel",
                "OperatorAPI",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .target(
            name: "LocalMode",
            dependencies: [
                "ControllerRuntime",
                "DockerEngine",
                "KubeModel",
                "LocalStore",
                "OperatorAPI",
                "PolicyDistribution",
                "PolicyEngine",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "MCPGateway",
            dependencies: [
                "ProcessSpawn",
                "ControlPlaneHTTP",
                "PolicyEngine",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Layer 3: executables.
        .executableTarget(
            name: "mcp-gateway",
            dependencies: [
                "MCPGateway",
                "ProcessSpawn",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "mcp-operator",
            dependencies: [
                "OperatorCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "DockerEngine",
            dependencies: [
                "ControlPlaneHTTP",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "mcpctl",
            dependencies: [
                "ProcessSpawn",
                "OperatorAPI",
                "PolicyEngine",
                "ControlPlaneHTTP",
                "KubeClient",
                "DockerEngine",
                "LocalStore",
                "LocalMode",
                "OperatorCore",
                "PolicyDistribution",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Samples: a small MCP server and a plugin, built with the project so the quickstart needs
        // nothing from outside.
        .target(name: "SampleMCP", path: "Samples/SampleMCP"),
        .executableTarget(
            name: "mcp-sample-posts",
            dependencies: ["SampleMCP", .product(name: "GRDB", package: "GRDB.swift")],
            path: "Samples/PostsServer"
        ),
        .executableTarget(name: "mcp-sample-text", dependencies: ["SampleMCP"], path: "Samples/TextPlugin"),
        // Test support: peer processes and temporary folders; a fake Kubernetes API server on 127.0.0.1.
        .target(name: "TestSupport", dependencies: ["ProcessSpawn"]),
        // Swift Testing helpers, for test targets only (benchmarks link TestSupport).
        .target(name: "TestPolling"),
        .target(
            name: "KubeTesting",
            dependencies: [
                "KubeClient",
                "TestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Benchmarks.
        .executableTarget(
            name: "kube-bench",
            dependencies: [
                "KubeClient", "KubeTesting", "TestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            path: "Benchmarks/KubeBench"
        ),
        .executableTarget(
            name: "operator-bench",
            dependencies: [
                "OperatorCore", "ControllerRuntime", "KubeClient", "OperatorAPI", "KubeTesting", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            path: "Benchmarks/OperatorBench"
        ),
        .executableTarget(
            name: "gateway-bench",
            dependencies: [
                "MCPGateway", "PolicyEngine", "TestSupport", "ControlPlaneHTTP",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Benchmarks/GatewayBench"
        ),
        .executableTarget(name: "feed-bench", dependencies: ["PolicyDistribution", "PolicyEngine"], path: "Benchmarks/FeedBench"),
        .executableTarget(name: "policy-bench", dependencies: ["PolicyEngine", "MCPGateway"], path: "Benchmarks/PolicyBench"),
        .executableTarget(
            name: "policy-push-bench",
            dependencies: [
                "OperatorCore", "PolicyDistribution", "ControllerRuntime", "KubeClient", "OperatorAPI", "KubeTesting", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/PolicyPushBench"
        ),
        .executableTarget(
            name: "local-bench",
            dependencies: ["LocalMode", "LocalStore", "DockerEngine", "TestSupport"],
            path: "Benchmarks/LocalBench"
        ),
        // Tests.
        .testTarget(name: "ControlPlaneHTTPTests", dependencies: ["ControlPlaneHTTP", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "KubeClientTests", dependencies: ["KubeClient", "KubeTesting", "TestSupport"]),
        .testTarget(
            name: "ControllerRuntimeTests",
            dependencies: ["TestPolling", 
                "ControllerRuntime", "KubeTesting", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "OperatorCoreTests",
            dependencies: ["TestPolling", 
                "OperatorCore", "KubeTesting", "TestSupport", "ControllerRuntime", "KubeClient", "OperatorAPI", "PolicyEngine",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .testTarget(
            name: "MCPGatewayTests",
            dependencies: ["TestPolling", 
                "MCPGateway", "PolicyEngine", "TestSupport", "ControlPlaneHTTP",
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            exclude: ["Fixtures"]
        ),
        .testTarget(name: "DockerEngineTests", dependencies: ["DockerEngine", "TestSupport"]),
        .testTarget(name: "OperatorAPITests", dependencies: ["OperatorAPI", "KubeModel", "PolicyEngine"]),
        .testTarget(name: "ProcessSpawnTests", dependencies: ["ProcessSpawn"]),
        .testTarget(name: "KubeTestingTests", dependencies: ["KubeClient", "KubeTesting"]),
        .testTarget(
            name: "PolicyDistributionTests",
            dependencies: ["TestPolling", 
                "PolicyDistribution", "PolicyEngine", "OperatorCore", "OperatorAPI", "ControllerRuntime",
                "KubeClient", "KubeTesting", "TestSupport", "MCPGateway", .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
            ]
        ),
        .testTarget(name: "LocalStoreTests", dependencies: ["LocalStore", "OperatorAPI", "TestSupport", "TestPolling"]),
        .testTarget(
            name: "LocalModeTests",
            dependencies: ["LocalMode", "LocalStore", "DockerEngine", "OperatorAPI", "TestSupport", "PolicyEngine"]
        ),
        .testTarget(name: "SampleTests", dependencies: ["SampleMCP", "TestSupport", "OperatorAPI", "PolicyEngine"], exclude: ["Fixtures"]),
        .testTarget(name: "PolicyEngineTests", dependencies: ["PolicyEngine"], resources: [.copy("Corpus")]),
    ]
)
