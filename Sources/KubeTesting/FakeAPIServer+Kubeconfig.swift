import Foundation

extension FakeAPIServer {
    /// Writes a kubeconfig for this server into `directory` (file `kubeconfig`), its one context
    /// defaulting to `namespace`, and returns its path: for tests that run the project's
    /// executables against the fake server.
    public func writeKubeconfig(in directory: String, namespace: String = "default") throws -> String {
        let path = directory + "/kubeconfig"
        try """
            apiVersion: v1
            kind: Config
            clusters:
            - name: fake
              cluster:
                server: \(baseURL)
            users:
            - name: tester
              user:
                token: unused
            contexts:
            - name: fake
              context:
                cluster: fake
                user: tester
                namespace: \(namespace)
            current-context: fake
            """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
