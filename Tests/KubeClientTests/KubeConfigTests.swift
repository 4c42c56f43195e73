import Foundation
import Testing

@testable import KubeClient

/// A fresh temporary folder per test, removed when the test ends.
private final class Fixture {
    let root: String

    init() throws {
        root = FileManager.default.temporaryDirectory
            .appendingPathComponent("kubeconfig-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: root)
    }

    /// Writes `contents` to `relative` under the root, creating folders; returns the absolute path.
    @discardableResult
    func write(_ relative: String, _ contents: String, executable: Bool = false) throws -> String {
        let path = self.path(relative)
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(contents.utf8).write(to: URL(fileURLWithPath: path))
        if executable {
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        }
        return path
    }

    func path(_ relative: String) -> String { "\(root)/\(relative)" }

    func read(_ relative: String) -> String {
        (try? String(contentsOfFile: path(relative), encoding: .utf8)) ?? ""
    }

    /// Options that never look at the real home directory, service account or environment.
    func options(
        explicitPath: String? = nil, context: String? = nil, environment: [String: String] = [:]
    ) -> KubeConfigLoader.Options {
        KubeConfigLoader.Options(
            explicitPath: explicitPath, context: context, environment: environment,
            homeDirectory: path("home"), inClusterRoot: path("serviceaccount"))
    }
}

/// A clock tests move by hand: monotonic instants for token files, wall time for exec expiry.
private final class ManualClock: @unchecked Sendable {
    private let lock = NSLock()
    private let base = ContinuousClock.now
    private var offset = Duration.zero
    private var date: Date

    init(date: Date = Date(timeIntervalSince1970: 1_900_000_000)) {
        self.date = date
    }

    func now() -> ContinuousClock.Instant { lock.withLock { base + offset } }
    func wallNow() -> Date { lock.withLock { date } }

    func advance(by duration: Duration) {
        lock.withLock {
            offset += duration
            date += Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        }
    }
}

/// A one-cluster, one-user kubeconfig.
private func simpleKubeconfig(server: String, token: String = "t", context: String = "main") -> String {
    """
    apiVersion: v1
    kind: Config
    current-context: \(context)
    clusters:
    - name: c
      cluster:
        server: \(server)
    users:
    - name: u
      user:
        token: \(token)
    contexts:
    - name: \(context)
      context:
        cluster: c
        user: u
    """
}

private func token(_ configuration: ClientConfiguration) async throws -> String? {
    try await configuration.credentials?.credentials().token
}

private func loadError(_ options: KubeConfigLoader.Options) -> KubeConfigError? {
    do {
        _ = try KubeConfigLoader.load(options)
        return nil
    } catch let error as KubeConfigError {
        return error
    } catch {
        Issue.record("unexpected error type: \(error)")
        return nil
    }
}

@Suite struct KubeConfigTests {
    // MARK: Search order

    @Test func explicitPathBeatsKUBECONFIG() async throws {
        let fixture = try Fixture()
        let explicit = try fixture.write("explicit/config", simpleKubeconfig(server: "https://explicit:6443", token: "e"))
        let listed = try fixture.write("listed/config", simpleKubeconfig(server: "https://listed:6443", token: "l"))
        try fixture.write("home/.kube/config", simpleKubeconfig(server: "https://home:6443"))

        let configuration = try KubeConfigLoader.load(
            fixture.options(explicitPath: explicit, environment: ["KUBECONFIG": listed]))
        #expect(configuration.server == "https://explicit:6443")
        #expect(try await token(configuration) == "e")
        #expect(configuration.origin == "kubeconfig \(explicit) (context \"main\")")
        #expect(configuration.namespace == "default")
    }

    @Test func missingExplicitPathIsAnErrorEvenWithOtherSources() throws {
        let fixture = try Fixture()
        try fixture.write("home/.kube/config", simpleKubeconfig(server: "https://home:6443"))
        let missing = fixture.path("nope/config")
        let error = try #require(loadError(fixture.options(explicitPath: missing)))
        #expect(error.code == .notFound)
        #expect(error.description == "kubeconfig \(missing) (from --kubeconfig): no such file")
    }

    @Test func kubeconfigListMergesWithFirstDefinitionWinning() async throws {
        let fixture = try Fixture()
        let first = try fixture.write("one/config", """
            current-context: first
            clusters:
            - name: shared
              cluster: {server: "https://one:6443"}
            users:
            - name: u1
              user: {token: one-token}
            contexts:
            - name: first
              context: {cluster: shared, user: u1, namespace: ns-one}
            """)
        let second = try fixture.write("two/config", """
            current-context: second
            clusters:
            - name: shared
              cluster: {server: "https://two:6443"}
            - name: only-two
              cluster: {server: "https://only-two:6443"}
            users:
            - name: u1
              user: {token: shadowed}
            - name: u2
              user: {token: two-token}
            contexts:
            - name: first
              context: {cluster: only-two, user: u2}
            - name: second
              context: {cluster: shared, user: u2}
            """)
        let missing = fixture.path("missing/config")
        let environment = ["KUBECONFIG": "\(missing):\(first)::\(second)"]

        // current-context from the first file that sets it; its context, cluster and user from file one.
        let merged = try KubeConfigLoader.load(fixture.options(environment: environment))
        #expect(merged.server == "https://one:6443")
        #expect(try await token(merged) == "one-token")
        #expect(merged.namespace == "ns-one")
        #expect(merged.origin == "kubeconfig \(first):\(second) (context \"first\")")

        // A context only file two defines, whose cluster name file one defined first.
        let other = try KubeConfigLoader.load(fixture.options(context: "second", environment: environment))
        #expect(other.server == "https://one:6443")
        #expect(try await token(other) == "two-token")
    }

    @Test func inClusterFromServiceAccountFiles() async throws {
        let fixture = try Fixture()
        try fixture.write("serviceaccount/token", "sa-token-1\n")
        try fixture.write("serviceaccount/ca.crt", "-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n")
        try fixture.write("serviceaccount/namespace", "operators\n")
        try fixture.write("home/.kube/config", simpleKubeconfig(server: "https://home:6443"))
        let environment = ["KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443"]

        let configuration = try KubeConfigLoader.load(fixture.options(environment: environment))
        #expect(configuration.server == "https://10.96.0.1:443")
        #expect(configuration.origin == "in-cluster")
        #expect(configuration.namespace == "operators")
        #expect(configuration.tls.certificateAuthorityPEM == Data(fixture.read("serviceaccount/ca.crt").utf8))
        #expect(configuration.tls.insecureSkipVerify == false)
        #expect(try await token(configuration) == "sa-token-1")
        let source = try #require(configuration.credentials as? TokenFileSource)
        #expect(source.path == fixture.path("serviceaccount/token"))
        #expect(source.refreshInterval == .seconds(60))
    }

    @Test func inClusterBracketsAnIPv6Host() throws {
        let fixture = try Fixture()
        try fixture.write("serviceaccount/token", "t")
        let environment = ["KUBERNETES_SERVICE_HOST": "fd00:10:96::1", "KUBERNETES_SERVICE_PORT": "443"]
        let configuration = try KubeConfigLoader.load(fixture.options(environment: environment))
        #expect(configuration.server == "https://[fd00:10:96::1]:443")
        #expect(configuration.namespace == "default")
        #expect(configuration.tls.certificateAuthorityPEM == nil)
    }

    @Test func kubeconfigVariableBeatsInCluster() throws {
        let fixture = try Fixture()
        try fixture.write("serviceaccount/token", "t")
        let listed = try fixture.write("listed/config", simpleKubeconfig(server: "https://listed:6443"))
        let environment = [
            "KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443", "KUBECONFIG": listed,
        ]
        #expect(try KubeConfigLoader.load(fixture.options(environment: environment)).server == "https://listed:6443")
    }

    @Test func inClusterNeedsTheTokenFileElseHomeIsUsed() throws {
        let fixture = try Fixture()
        try fixture.write("home/.kube/config", simpleKubeconfig(server: "https://home:6443"))
        let environment = ["KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443"]
        let configuration = try KubeConfigLoader.load(fixture.options(environment: environment))
        #expect(configuration.server == "https://home:6443")
        #expect(configuration.origin == "kubeconfig \(fixture.path("home/.kube/config")) (context \"main\")")
    }

    @Test func anExplicitContextSkipsInCluster() throws {
        let fixture = try Fixture()
        try fixture.write("serviceaccount/token", "t")
        try fixture.write("home/.kube/config", simpleKubeconfig(server: "https://home:6443", context: "dev"))
        let environment = ["KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443"]
        let configuration = try KubeConfigLoader.load(fixture.options(context: "dev", environment: environment))
        #expect(configuration.server == "https://home:6443")
        #expect(configuration.origin.hasSuffix("(context \"dev\")"))
    }

    @Test func homeConfigIsTheLastResort() async throws {
        let fixture = try Fixture()
        try fixture.write("home/.kube/config", simpleKubeconfig(server: "https://home:6443", token: "h"))
        let configuration = try KubeConfigLoader.load(fixture.options())
        #expect(configuration.server == "https://home:6443")
        #expect(try await token(configuration) == "h")
    }

    @Test func nothingFoundListsWhatWasTried() throws {
        let fixture = try Fixture()
        let error = try #require(loadError(fixture.options()))
        #expect(error.code == .notFound)
        #expect(error.description.hasPrefix("no Kubernetes client configuration found; tried: "))
        #expect(error.description.contains("--kubeconfig (not given)"))
        #expect(error.description.contains("$KUBECONFIG (not set)"))
        #expect(error.description.contains("in-cluster (KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set)"))
        #expect(error.description.contains("\(fixture.path("home/.kube/config")) (no such file)"))
    }

    @Test func kubeconfigVariableNamingNoFileDoesNotFallBackToHome() throws {
        let fixture = try Fixture()
        try fixture.write("home/.kube/config", simpleKubeconfig(server: "https://home:6443"))
        let missing = fixture.path("missing/config")
        let error = try #require(loadError(fixture.options(environment: ["KUBECONFIG": missing])))
        #expect(error.code == .notFound)
        #expect(error.description.contains("$KUBECONFIG (none of \(missing) exists)"))
        #expect(error.description.contains("not used because $KUBECONFIG is set"))
    }

    // MARK: Fields

    @Test func relativePathsResolveAgainstTheDefiningFile() async throws {
        let fixture = try Fixture()
        try fixture.write("configs/certs/ca.pem", "CA PEM")
        try fixture.write("client.pem", "CLIENT PEM")
        try fixture.write("configs/certs/client-key.pem", "KEY PEM")
        let config = try fixture.write("configs/config", """
            current-context: main
            clusters:
            - name: c
              cluster:
                server: https://api.example.com:6443
                certificate-authority: certs/ca.pem
                tls-server-name: kubernetes.internal
            users:
            - name: u
              user:
                client-certificate: ../client.pem
                client-key: ./certs/client-key.pem
                tokenFile: token
            contexts:
            - name: main
              context: {cluster: c, user: u, namespace: team-a}
            """)
        try fixture.write("configs/token", "file-token\n")

        let configuration = try KubeConfigLoader.load(fixture.options(explicitPath: config))
        #expect(configuration.tls.certificateAuthorityPEM == Data("CA PEM".utf8))
        #expect(configuration.tls.clientCertificatePEM == Data("CLIENT PEM".utf8))
        #expect(configuration.tls.clientKeyPEM == Data("KEY PEM".utf8))
        #expect(configuration.tls.serverName == "kubernetes.internal")
        #expect(configuration.tls.insecureSkipVerify == false)
        #expect(configuration.namespace == "team-a")
        let source = try #require(configuration.credentials as? TokenFileSource)
        #expect(source.path == fixture.path("configs/token"))
        #expect(try await token(configuration) == "file-token")
    }

    @Test func base64DataFieldsAreDecoded() async throws {
        let fixture = try Fixture()
        let ca = Data("-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n".utf8)
        let certificate = Data("CERT".utf8)
        let key = Data("KEY!".utf8)
        let config = try fixture.write("config", """
            current-context: main
            clusters:
            - name: c
              cluster:
                server: https://api.example.com
                certificate-authority-data: \(ca.base64EncodedString())
            users:
            - name: u
              user:
                client-certificate-data: \(certificate.base64EncodedString())
                client-key-data: \(key.base64EncodedString())
            contexts:
            - name: main
              context: {cluster: c, user: u}
            """)
        let configuration = try KubeConfigLoader.load(fixture.options(explicitPath: config))
        #expect(configuration.tls.certificateAuthorityPEM == ca)
        #expect(configuration.tls.clientCertificatePEM == certificate)
        #expect(configuration.tls.clientKeyPEM == key)
        #expect(configuration.credentials == nil)
    }

    @Test func insecureSkipTLSVerifyOnlyWhenTrue() throws {
        let fixture = try Fixture()
        func load(_ value: String) throws -> ClientConfiguration {
            let config = try fixture.write("config-\(value)", """
                current-context: main
                clusters:
                - name: c
                  cluster: {server: "https://api:6443", insecure-skip-tls-verify: \(value)}
                contexts:
                - name: main
                  context: {cluster: c}
                """)
            return try KubeConfigLoader.load(fixture.options(explicitPath: config))
        }
        #expect(try load("true").tls.insecureSkipVerify == true)
        #expect(try load("false").tls.insecureSkipVerify == false)
        #expect(try load("null").tls.insecureSkipVerify == false)
        #expect(throws: KubeConfigError.self) { try load("\"true\"") }
    }

    @Test func contextOverrideSelectsAnotherContext() async throws {
        let fixture = try Fixture()
        let config = try fixture.write("config", """
            current-context: a
            clusters:
            - {name: ca, cluster: {server: "https://a:6443"}}
            - {name: cb, cluster: {server: "https://b:6443"}}
            users:
            - {name: ua, user: {token: token-a}}
            - {name: ub, user: {token: token-b}}
            contexts:
            - {name: a, context: {cluster: ca, user: ua}}
            - {name: b, context: {cluster: cb, user: ub, namespace: bee}}
            """)
        let configuration = try KubeConfigLoader.load(fixture.options(explicitPath: config, context: "b"))
        #expect(configuration.server == "https://b:6443")
        #expect(configuration.namespace == "bee")
        #expect(try await token(configuration) == "token-b")
        #expect(configuration.origin == "kubeconfig \(config) (context \"b\")")
    }

    @Test func unknownContextListsTheKnownOnes() throws {
        let fixture = try Fixture()
        let config = try fixture.write("config", """
            clusters:
            - {name: c, cluster: {server: "https://a:6443"}}
            contexts:
            - {name: b, context: {cluster: c}}
            - {name: a, context: {cluster: c}}
            """)
        let error = try #require(loadError(fixture.options(explicitPath: config, context: "foo")))
        #expect(error.code == .contextNotFound)
        #expect(error.description == "context \"foo\" not found in kubeconfig \(config) (known contexts: a, b)")

        let none = try #require(loadError(fixture.options(explicitPath: config)))
        #expect(none.code == .noCurrentContext)
        #expect(none.description == "kubeconfig \(config): current-context is not set and no context was given")
    }

    @Test func missingClusterAndUserAreNamed() throws {
        let fixture = try Fixture()
        let config = try fixture.write("config", """
            clusters:
            - {name: c, cluster: {server: "https://a:6443"}}
            contexts:
            - {name: foo, context: {cluster: gone, user: u}}
            - {name: bar, context: {cluster: c, user: nobody}}
            """)
        let cluster = try #require(loadError(fixture.options(explicitPath: config, context: "foo")))
        #expect(cluster.code == .clusterNotFound)
        #expect(cluster.description == "cluster \"gone\" referenced by context \"foo\" not found in kubeconfig \(config)")
        let user = try #require(loadError(fixture.options(explicitPath: config, context: "bar")))
        #expect(user.code == .userNotFound)
        #expect(user.description == "user \"nobody\" referenced by context \"bar\" not found in kubeconfig \(config)")
    }

    @Test func malformedYAMLNamesTheFileAndLine() throws {
        let fixture = try Fixture()
        let config = try fixture.write("config", """
            apiVersion: v1
            clusters:
            - name: c
              cluster: {server: "https://a:6443"
            contexts: []
            """)
        let error = try #require(loadError(fixture.options(explicitPath: config)))
        #expect(error.code == .yamlSyntax)
        #expect(error.description.hasPrefix("kubeconfig \(config): line 5, column "), "\(error)")
    }

    @Test func invalidFieldNamesTheFileAndFieldPath() throws {
        let fixture = try Fixture()
        let config = try fixture.write("config", """
            current-context: main
            clusters:
            - {name: c, cluster: {server: "https://a:6443"}}
            users:
            - {name: ok, user: {token: t}}
            - name: broken
              user:
                client-certificate-data: Q0VSVA==
                client-key-data: "not base64!"
            contexts:
            - {name: main, context: {cluster: c, user: ok}}
            """)
        let error = try #require(loadError(fixture.options(explicitPath: config)))
        #expect(error.code == .invalidField)
        #expect(error.description == "kubeconfig \(config): users[1].user.client-key-data: invalid base64")
    }

    @Test func wrongTypesNameTheField() throws {
        let fixture = try Fixture()
        let config = try fixture.write("config", """
            clusters:
            - name: c
              cluster:
                server: [not, a, string]
            """)
        let error = try #require(loadError(fixture.options(explicitPath: config)))
        #expect(error.description == "kubeconfig \(config): clusters[0].cluster.server: expected a string")

        let noServer = try fixture.write("no-server", """
            current-context: m
            clusters: [{name: c, cluster: {}}]
            contexts: [{name: m, context: {cluster: c}}]
            """)
        let missing = try #require(loadError(fixture.options(explicitPath: noServer)))
        #expect(missing.description == "kubeconfig \(noServer): clusters[0].cluster.server: missing")
    }

    @Test func missingCertificateFileNamesFieldAndPath() throws {
        let fixture = try Fixture()
        let config = try fixture.write("dir/config", """
            current-context: main
            clusters:
            - name: other
              cluster: {server: "https://other:6443"}
            - name: c
              cluster: {server: "https://a:6443", certificate-authority: missing-ca.crt}
            contexts:
            - {name: main, context: {cluster: c}}
            """)
        let error = try #require(loadError(fixture.options(explicitPath: config)))
        #expect(error.code == .unreadableFile)
        #expect(error.description == """
            kubeconfig \(config): clusters[1].cluster.certificate-authority: \
            cannot read \(fixture.path("dir/missing-ca.crt")): no such file
            """)
    }

    @Test func fieldErrorsInAMergedListNameTheDefiningFile() throws {
        let fixture = try Fixture()
        let first = try fixture.write("one", """
            current-context: main
            contexts: [{name: main, context: {cluster: c, user: u}}]
            """)
        let second = try fixture.write("two", """
            clusters: [{name: c, cluster: {server: "https://a:6443"}}]
            users: [{name: u, user: {client-certificate: cert.pem}}]
            """)
        try fixture.write("cert.pem", "CERT")
        let error = try #require(loadError(fixture.options(environment: ["KUBECONFIG": "\(first):\(second)"])))
        #expect(error.description.hasPrefix("kubeconfig \(second): users[0].user.client-key: missing"), "\(error)")
    }

    // MARK: Token files

    @Test func tokenFileIsRereadAfterTheRefreshInterval() async throws {
        let fixture = try Fixture()
        let path = try fixture.write("token", "token-A\n")
        let clock = ManualClock()
        let source = TokenFileSource(path: path, refreshInterval: .seconds(60), now: { clock.now() })

        #expect(try await source.credentials().token == "token-A")
        try fixture.write("token", "  token-B \n")
        clock.advance(by: .seconds(30))
        #expect(try await source.credentials().token == "token-A")
        clock.advance(by: .seconds(31))
        #expect(try await source.credentials().token == "token-B")

        try fixture.write("token", "token-C")
        #expect(try await source.credentials().token == "token-B")
        await source.invalidate()
        #expect(try await source.credentials().token == "token-C")
    }

    @Test func tokenFileKeepsTheLastTokenWhileTheFileIsBeingReplaced() async throws {
        let fixture = try Fixture()
        let path = try fixture.write("token", "token-A")
        let clock = ManualClock()
        let source = TokenFileSource(path: path, now: { clock.now() })
        #expect(try await source.credentials().token == "token-A")
        try FileManager.default.removeItem(atPath: path)
        clock.advance(by: .seconds(61))
        #expect(try await source.credentials().token == "token-A")
        try fixture.write("token", "token-B")
        #expect(try await source.credentials().token == "token-B")
    }

    @Test func missingOrEmptyTokenFileNamesThePath() async throws {
        let fixture = try Fixture()
        let missing = fixture.path("absent")
        await #expect {
            try await TokenFileSource(path: missing).credentials()
        } throws: { error in
            let error = error as? CredentialError
            return error?.code == .tokenFileUnreadable && error?.description == "token file \(missing): cannot read: no such file"
        }
        let empty = try fixture.write("empty", " \n")
        await #expect {
            try await TokenFileSource(path: empty).credentials()
        } throws: { error in
            (error as? CredentialError)?.description == "token file \(empty): empty"
        }
    }

    @Test func staticTokenSourceAnswersItsToken() async throws {
        let source = StaticTokenSource("s3cret")
        #expect(try await source.credentials() == Credentials(token: "s3cret"))
        await source.invalidate()
        #expect(try await source.credentials().token == "s3cret")
    }
}

// MARK: - Exec plugins

/// 2030-01-01T00:00:00Z, the expiry the fake plugin reports by default.
private let pluginExpiry = Date(timeIntervalSince1970: 1_893_456_000)

/// A fake exec plugin: appends a line to $COUNTER per run, saves $KUBERNETES_EXEC_INFO to $INFO,
/// and prints an ExecCredential whose token names the run ("token-1", "token-2", ...) and whose
/// expirationTimestamp is the contents of $EXPIRY_FILE.
private let fakePlugin = """
    #!/bin/sh
    echo run >> "$COUNTER"
    runs=$(wc -l < "$COUNTER" | tr -d ' ')
    printf '%s' "$KUBERNETES_EXEC_INFO" > "$INFO"
    expiry=$(cat "$EXPIRY_FILE")
    if [ -n "$DELAY" ]; then sleep "$DELAY"; fi
    cat <<EOF
    {"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"token-$runs","expirationTimestamp":"$expiry"}}
    EOF
    """

extension Fixture {
    /// Installs the fake plugin at `bin/plugin.sh` and returns its config.
    func fakePluginConfig(
        command: String? = nil, expiry: String = "2030-01-01T00:00:00Z", delay: String = "", installHint: String? = nil
    ) throws -> ExecConfig {
        let path = try write("bin/plugin.sh", fakePlugin, executable: true)
        try write("expiry", expiry)
        return ExecConfig(
            command: command ?? path,
            env: [
                .init(name: "COUNTER", value: self.path("runs")), .init(name: "INFO", value: self.path("info.json")),
                .init(name: "EXPIRY_FILE", value: self.path("expiry")), .init(name: "DELAY", value: delay),
            ],
            apiVersion: ExecConfig.apiVersionV1, installHint: installHint)
    }

    var pluginRuns: Int { read("runs").split(separator: "\n").count }

    func execInfo() throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(read("info.json").utf8))
    }
}

private let basicEnvironment = ["PATH": "/usr/bin:/bin"]

extension KubeConfigTests {
    @Test func execPluginIsCachedUntilExpiryAndRerunAfterInvalidate() async throws {
        let fixture = try Fixture()
        let clock = ManualClock(date: pluginExpiry - 3600)
        let source = ExecCredentialSource(
            config: try fixture.fakePluginConfig(), baseDirectory: fixture.root, environment: basicEnvironment,
            now: { clock.wallNow() })

        #expect(try await source.credentials().token == "token-1")
        #expect(try await source.credentials().token == "token-1")
        #expect(fixture.pluginRuns == 1)

        clock.advance(by: .seconds(3599))
        #expect(try await source.credentials().token == "token-1")
        #expect(fixture.pluginRuns == 1)

        // Past the expiry: the plugin runs again and reports a later one.
        try fixture.write("expiry", "2030-01-01T01:00:00Z")
        clock.advance(by: .seconds(2))
        #expect(try await source.credentials().token == "token-2")
        #expect(try await source.credentials().token == "token-2")
        #expect(fixture.pluginRuns == 2)

        await source.invalidate()
        #expect(try await source.credentials().token == "token-3")
        #expect(try await source.credentials().token == "token-3")
        #expect(fixture.pluginRuns == 3)

        let info = try fixture.execInfo()
        #expect(info == [
            "apiVersion": "client.authentication.k8s.io/v1", "kind": "ExecCredential",
            "spec": ["interactive": false],
        ])
    }

    @Test func execCredentialsWithoutExpiryAreKeptUntilInvalidated() async throws {
        let fixture = try Fixture()
        let clock = ManualClock()
        let source = ExecCredentialSource(
            config: try fixture.fakePluginConfig(expiry: ""), baseDirectory: fixture.root,
            environment: basicEnvironment, now: { clock.wallNow() })
        #expect(try await source.credentials().token == "token-1")
        clock.advance(by: .seconds(365 * 86_400))
        #expect(try await source.credentials().token == "token-1")
        await source.invalidate()
        #expect(try await source.credentials().token == "token-2")
    }

    @Test func concurrentCallersShareOneRun() async throws {
        let fixture = try Fixture()
        let source = ExecCredentialSource(
            config: try fixture.fakePluginConfig(delay: "0.5"), baseDirectory: fixture.root,
            environment: basicEnvironment, now: { pluginExpiry - 60 })
        async let first = source.credentials()
        async let second = source.credentials()
        async let third = source.credentials()
        let tokens = try await [first, second, third].map(\.token)
        #expect(tokens == ["token-1", "token-1", "token-1"])
        #expect(fixture.pluginRuns == 1)
    }

    @Test func execFailureReportsCommandExitCodeStderrAndInstallHint() async throws {
        let fixture = try Fixture()
        let script = try fixture.write("bin/failing.sh", """
            #!/bin/sh
            echo "error: you must be logged in to the server" >&2
            exit 3
            """, executable: true)
        let config = ExecConfig(
            command: script, args: ["get-token", "--cluster", "prod"],
            installHint: "Install fake-auth with: brew install fake-auth")
        let source = ExecCredentialSource(config: config, baseDirectory: fixture.root, environment: basicEnvironment)
        do {
            _ = try await source.credentials()
            Issue.record("expected a failure")
        } catch let error as CredentialError {
            #expect(error.code == .execFailed)
            #expect(error.description == """
                exec plugin \(script) get-token --cluster prod failed with exit code 3; \
                stderr: error: you must be logged in to the server
                Install fake-auth with: brew install fake-auth
                """)
        }
    }

    @Test func execOutputIsValidated() async throws {
        let fixture = try Fixture()
        func failure(printing output: String) async throws -> CredentialError? {
            let script = try fixture.write("bin/out-\(UUID().uuidString).sh", """
                #!/bin/sh
                cat <<'EOF'
                \(output)
                EOF
                """, executable: true)
            let source = ExecCredentialSource(
                config: ExecConfig(command: script, apiVersion: ExecConfig.apiVersionV1Beta1, installHint: "hint"),
                baseDirectory: fixture.root, environment: basicEnvironment)
            do {
                _ = try await source.credentials()
                return nil
            } catch let error as CredentialError {
                return error
            }
        }
        let notJSON = try #require(try await failure(printing: "hello"))
        #expect(notJSON.code == .execInvalidOutput)
        #expect(notJSON.description.contains("output is not an ExecCredential JSON document: hello"))
        #expect(notJSON.description.hasSuffix("\nhint"))

        let wrongVersion = try #require(try await failure(printing: """
            {"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"t"}}
            """))
        #expect(wrongVersion.description.contains(
            "returned apiVersion \"client.authentication.k8s.io/v1\", but the kubeconfig asks for \"client.authentication.k8s.io/v1beta1\""))

        let empty = try #require(try await failure(printing: """
            {"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{}}
            """))
        #expect(empty.description.contains("status has neither a token nor clientCertificateData and clientKeyData"))

        let badTime = try #require(try await failure(printing: """
            {"apiVersion":"client.authentication.k8s.io/v1beta1","status":{"token":"t","expirationTimestamp":"tomorrow"}}
            """))
        #expect(badTime.description.contains("status.expirationTimestamp \"tomorrow\" is not an RFC 3339 time"))
    }

    @Test func execPluginMayReturnAClientCertificate() async throws {
        let fixture = try Fixture()
        let script = try fixture.write("bin/cert.sh", #"""
            #!/bin/sh
            cat <<'EOF'
            {"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"clientCertificateData":"-----BEGIN CERTIFICATE-----\nX\n-----END CERTIFICATE-----\n","clientKeyData":"-----BEGIN PRIVATE KEY-----\nY\n-----END PRIVATE KEY-----\n","expirationTimestamp":"2030-01-01T01:00:00.5+01:00"}}
            EOF
            """#, executable: true)
        let source = ExecCredentialSource(
            config: ExecConfig(command: script), baseDirectory: fixture.root, environment: basicEnvironment)
        let credentials = try await source.credentials()
        #expect(credentials.token == nil)
        #expect(credentials.clientCertificatePEM == Data("-----BEGIN CERTIFICATE-----\nX\n-----END CERTIFICATE-----\n".utf8))
        #expect(credentials.clientKeyPEM == Data("-----BEGIN PRIVATE KEY-----\nY\n-----END PRIVATE KEY-----\n".utf8))
        #expect(ExecInvocation.parseRFC3339("2030-01-01T01:00:00.5+01:00") == pluginExpiry + 0.5)
    }

    @Test func execCommandIsLookedUpInPATH() async throws {
        let fixture = try Fixture()
        var config = try fixture.fakePluginConfig(command: "plugin.sh")
        let source = ExecCredentialSource(
            config: config, baseDirectory: "/nonexistent",
            environment: ["PATH": "/usr/bin:/bin:\(fixture.path("bin"))"], now: { pluginExpiry - 60 })
        #expect(try await source.credentials().token == "token-1")

        config.command = "no-such-plugin"
        config.installHint = "See https://example.com/install"
        let missing = ExecCredentialSource(config: config, baseDirectory: fixture.root, environment: basicEnvironment)
        await #expect {
            try await missing.credentials()
        } throws: { error in
            (error as? CredentialError)?.description
                == "exec plugin no-such-plugin: executable file not found in PATH\nSee https://example.com/install"
        }
    }

    @Test func kubeconfigExecUserResolvesItsCommandAndGetsClusterInfo() async throws {
        let fixture = try Fixture()
        _ = try fixture.fakePluginConfig()
        let ca = Data("CA".utf8)
        let config = try fixture.write("config", """
            current-context: main
            clusters:
            - name: c
              cluster:
                server: https://api.example.com:6443
                certificate-authority-data: \(ca.base64EncodedString())
                extensions:
                - name: client.authentication.k8s.io/exec
                  extension: {audience: prod, retries: 2}
            users:
            - name: u
              user:
                exec:
                  apiVersion: client.authentication.k8s.io/v1
                  command: ./bin/plugin.sh
                  args: [get-token]
                  env:
                  - {name: COUNTER, value: \(fixture.path("runs"))}
                  - {name: INFO, value: \(fixture.path("info.json"))}
                  - {name: EXPIRY_FILE, value: \(fixture.path("expiry"))}
                  interactiveMode: IfAvailable
                  provideClusterInfo: true
                  installHint: install it
            contexts:
            - {name: main, context: {cluster: c, user: u}}
            """)
        let configuration = try KubeConfigLoader.load(fixture.options(explicitPath: config, environment: basicEnvironment))
        let source = try #require(configuration.credentials as? ExecCredentialSource)
        #expect(source.config.command == fixture.path("bin/plugin.sh"))
        #expect(source.config.args == ["get-token"])
        #expect(source.config.installHint == "install it")
        #expect(try await source.credentials().token == "token-1")
        #expect(try fixture.execInfo() == [
            "apiVersion": "client.authentication.k8s.io/v1", "kind": "ExecCredential",
            "spec": [
                "interactive": false,
                "cluster": [
                    "server": "https://api.example.com:6443",
                    "certificate-authority-data": .string(ca.base64EncodedString()),
                    "config": ["audience": "prod", "retries": 2],
                ],
            ],
        ])
    }

    @Test func invalidExecConfigNamesTheField() throws {
        let fixture = try Fixture()
        let config = try fixture.write("config", """
            users:
            - name: u
              user:
                exec: {apiVersion: client.authentication.k8s.io/v1alpha1, command: x}
            """)
        let error = try #require(loadError(fixture.options(explicitPath: config)))
        #expect(error.description.hasPrefix(
            "kubeconfig \(config): users[0].user.exec.apiVersion: unsupported exec plugin API version"))
    }
}
