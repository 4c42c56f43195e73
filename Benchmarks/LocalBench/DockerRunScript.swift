/// The baseline: a bash script with the `docker` commands a person would type to run what
/// `mcpctl up` runs for the benchmark's server: the two networks, the gateway and config volumes,
/// two hardened plugin containers (each a gateway around a stdio sample), and the server's
/// gateway with the posts sample under it, then a wait until the gateway reports ready.
struct DockerRunScript {
    let options: BenchOptions
    /// The prefix of every object the script creates.
    let base = "bench-script"

    struct Plugin {
        var name: String
        var image: String
        var command: String
    }

    var plugins: [Plugin] {
        [Plugin(name: "text", image: options.textImage, command: "/opt/mcp-sample/bin/mcp-sample-text"),
         Plugin(name: "notes", image: options.postsImage, command: "/opt/mcp-sample/bin/mcp-sample-posts")]
    }

    /// The flags every container gets from the local planner: non-root, read-only root with a
    /// tmpfs /tmp, no capabilities, no privilege escalation, limits, an init, bounded logs.
    func hardened(pids: Int, memory: String?, cpus: String?) -> String {
        var flags = "--user 65532:65532 --read-only --tmpfs /tmp:rw,nosuid,nodev,noexec,size=64m --cap-drop ALL"
        flags += " --security-opt no-new-privileges:true --pids-limit \(pids) --init --log-opt max-size=10m --log-opt max-file=3"
        if let memory { flags += " --memory \(memory) --memory-swap \(memory)" }
        if let cpus { flags += " --cpus \(cpus)" }
        return flags
    }

    /// Starts everything and waits for readiness. `$1` is a folder holding `admin/token` and
    /// `policy/policy.json`; the script prints the endpoint last.
    var up: String {
        let gateway = "--entrypoint /opt/mcp-gateway/lib/ld-linux-x86-64.so.2"
        let gatewayArguments = "--library-path /opt/mcp-gateway/lib /opt/mcp-gateway/bin/mcp-gateway"
        var lines = [
            "#!/usr/bin/env bash",
            "set -euo pipefail",
            "config=$1",
            "docker network create \(base) >/dev/null",
            "docker network create --internal \(base)-plugins >/dev/null",
            "docker volume create \(base)-gateway-bin >/dev/null",
            "docker volume create \(base)-config >/dev/null",
            "# A created container fills the empty gateway volume from the gateway image.",
            "id=$(docker create --network none -v \(base)-gateway-bin:/opt/mcp-gateway:ro \(options.gatewayImage) --help)",
            "docker rm \"$id\" >/dev/null",
            "id=$(docker create --network none -v \(base)-config:/config \(options.gatewayImage) --help)",
            "tar -C \"$config\" --numeric-owner -cf - . | docker cp - \"$id:/config\"",
            "docker rm \"$id\" >/dev/null",
        ]
        var pluginFlags = ""
        for plugin in plugins {
            lines.append("docker run -d --name \(base)-plugin-\(plugin.name) --network \(base)-plugins --network-alias plugin-\(plugin.name)"
                + " --hostname plugin-\(plugin.name) \(hardened(pids: 128, memory: "256m", cpus: "1"))"
                + " -v \(base)-gateway-bin:/opt/mcp-gateway:ro -v \(base)-config:/etc/mcp-gateway:ro \(gateway) \(plugin.image) \(gatewayArguments)"
                + " --listen 0.0.0.0:8080 --admin-listen 127.0.0.1:9090 --policy /etc/mcp-gateway/policy/policy.json"
                + " --log-format json -- \(plugin.command) >/dev/null")
            pluginFlags += " --plugin \(plugin.name)=http://plugin-\(plugin.name):8080/mcp"
        }
        lines += [
            "docker create --name \(base)-gateway-0 --network \(base) --network-alias gateway-0 -p 127.0.0.1::8080 -p 127.0.0.1::9090"
                + " \(hardened(pids: 512, memory: nil, cpus: nil)) -v \(base)-gateway-bin:/opt/mcp-gateway:ro -v \(base)-config:/etc/mcp-gateway:ro"
                + " \(gateway) \(options.postsImage) \(gatewayArguments) --listen 0.0.0.0:8080 --admin-listen 0.0.0.0:9090"
                + " --admin-token-file /etc/mcp-gateway/admin/token --policy /etc/mcp-gateway/policy/policy.json --log-format json"
                + "\(pluginFlags) -- /opt/mcp-sample/bin/mcp-sample-posts >/dev/null",
            "docker network connect --alias gateway-0 \(base)-plugins \(base)-gateway-0",
            "docker start \(base)-gateway-0 >/dev/null",
            "admin=$(docker port \(base)-gateway-0 9090/tcp | head -n1)",
            "until curl -fs -o /dev/null \"http://$admin/readyz\"; do sleep 0.1; done",
            "echo \"http://$(docker port \(base)-gateway-0 8080/tcp | head -n1)/mcp\"",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    /// Removes everything `up` created (and tolerates what is already gone).
    var down: String {
        let containers = (["\(base)-gateway-0"] + plugins.map { "\(base)-plugin-\($0.name)" }).joined(separator: " ")
        return """
            #!/usr/bin/env bash
            docker rm -f \(containers) >/dev/null 2>&1
            # Helper containers a run that was interrupted may have left holding the volumes.
            for volume in \(base)-gateway-bin \(base)-config; do
              docker ps -aq --filter "volume=$volume" | xargs -r docker rm -f >/dev/null 2>&1
            done
            docker network rm \(base) \(base)-plugins >/dev/null 2>&1
            docker volume rm \(base)-gateway-bin \(base)-config >/dev/null 2>&1
            exit 0

            """
    }
}
