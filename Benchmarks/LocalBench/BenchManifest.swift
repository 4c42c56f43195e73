/// The benchmark's resources for `mcpctl up`: one stdio server with two stdio plugins and an
/// open policy; the same containers the baseline script runs.
enum BenchManifest {
    static let server = "bench"

    static func yaml(_ options: BenchOptions) -> String {
        """
        apiVersion: mcpoperator.io/v1alpha1
        kind: MCPServer
        metadata:
          name: \(server)
          namespace: default
        spec:
          image: \(options.postsImage)
          transport: stdio
          command: ["/opt/mcp-sample/bin/mcp-sample-posts"]
          plugins:
          - name: text
            image: \(options.textImage)
            transport: stdio
            command: ["/opt/mcp-sample/bin/mcp-sample-text"]
          - name: notes
            image: \(options.postsImage)
            transport: stdio
            command: ["/opt/mcp-sample/bin/mcp-sample-posts"]
          policyRefs: [bench-open]
        ---
        apiVersion: mcpoperator.io/v1alpha1
        kind: MCPPolicy
        metadata:
          name: bench-open
          namespace: default
        spec:
          defaultAction: allow
          authentication:
            allowAnonymous: true

        """
    }

    /// The policy document the baseline's gateways boot with (the same spec).
    static let policyJSON = #"{"defaultAction":"allow","authentication":{"allowAnonymous":true}}"#
}
