import ControlPlaneHTTP
@testable import DockerEngine
import Foundation
import Testing

@Suite struct LogFrameDecoderTests {
    func frame(_ stream: UInt8, _ text: String) -> Data {
        let payload = Data(text.utf8)
        let n = UInt32(payload.count)
        return Data([stream, 0, 0, 0, UInt8(n >> 24), UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)]) + payload
    }

    @Test func framesSplitAtEveryByteBoundaryDecodeTheSame() {
        let bytes = frame(1, "hello\n") + frame(2, "oops\n") + frame(1, "") + frame(1, String(repeating: "x", count: 300))
        for split in 0...bytes.count {
            var decoder = LogFrameDecoder()
            let chunks = decoder.append(bytes.prefix(split)) + decoder.append(bytes.dropFirst(split))
            #expect(chunks.map(\.stream) == [.stdout, .stderr, .stdout, .stdout])
            #expect(chunks.map(\.text) == ["hello\n", "oops\n", "", String(repeating: "x", count: 300)])
            #expect(!decoder.hasIncompleteFrame)
        }
    }

    @Test func byteByByteFeedKeepsPartialFrames() {
        var decoder = LogFrameDecoder()
        var chunks: [LogChunk] = []
        for byte in frame(2, "a\nb") { chunks += decoder.append(Data([byte])) }
        #expect(chunks == [LogChunk(stream: .stderr, data: Data("a\nb".utf8))])
        _ = decoder.append(frame(1, "cut").prefix(9))
        #expect(decoder.hasIncompleteFrame)
    }

    @Test func ttyStreamIsStdoutUnframed() {
        var decoder = LogFrameDecoder(multiplexed: false)
        #expect(decoder.append(Data("\u{1}raw".utf8)) == [LogChunk(stream: .stdout, data: Data("\u{1}raw".utf8))])
    }
}

@Suite struct EndpointTests {
    @Test func defaultIsTheUnixSocket() throws {
        let endpoint = try DockerEndpoint.fromEnvironment([:])
        #expect(endpoint.unixSocketPath == "/var/run/docker.sock")
        #expect(endpoint.baseURL == "http://localhost")
        #expect(endpoint.description == "unix:///var/run/docker.sock")
    }

    @Test func unixAndTCPHostsParse() throws {
        #expect(try DockerEndpoint.fromEnvironment(["DOCKER_HOST": "unix:///run/user/1000/docker.sock"]).unixSocketPath == "/run/user/1000/docker.sock")
        let tcp = try DockerEndpoint.fromEnvironment(["DOCKER_HOST": "tcp://127.0.0.1:2375"])
        #expect(tcp.baseURL == "http://127.0.0.1:2375")
        #expect(tcp.tls == nil)
        #expect(tcp.description == "tcp://127.0.0.1:2375")
        #expect(throws: DockerError.self) { try DockerEndpoint.fromEnvironment(["DOCKER_HOST": "ssh://host"]) }
        #expect(throws: DockerError.self) { try DockerEndpoint.fromEnvironment(["DOCKER_HOST": "unix://relative.sock"]) }
    }

    @Test func tlsMaterialIsReadFromTheCertPath() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mcpop-certs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for (file, text) in [("ca.pem", "CA"), ("cert.pem", "CERT"), ("key.pem", "KEY")] {
            try Data(text.utf8).write(to: dir.appendingPathComponent(file))
        }
        let verified = try DockerEndpoint.fromEnvironment([
            "DOCKER_HOST": "tcp://127.0.0.1", "DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": dir.path,
        ])
        #expect(verified.baseURL == "https://127.0.0.1:2376")
        #expect(verified.tls?.certificateAuthorityPEM == Data("CA".utf8))
        #expect(verified.tls?.clientCertificatePEM == Data("CERT".utf8))
        #expect(verified.tls?.clientKeyPEM == Data("KEY".utf8))
        #expect(verified.tls?.insecureSkipVerify == false)
        let unverified = try DockerEndpoint.fromEnvironment(["DOCKER_HOST": "tcp://127.0.0.1:2376", "DOCKER_TLS": "1", "DOCKER_CERT_PATH": dir.path])
        #expect(unverified.tls?.insecureSkipVerify == true)
        try FileManager.default.removeItem(at: dir.appendingPathComponent("key.pem"))
        #expect(throws: DockerError.self) {
            try DockerEndpoint.fromEnvironment(["DOCKER_HOST": "tcp://127.0.0.1", "DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": dir.path])
        }
    }
}

@Suite struct ModelCodingTests {
    @Test func createBodyPutsConfigBesideHostAndNetworkingConfig() throws {
        let body = ContainerCreateBody(
            config: ContainerConfig(image: "img", cmd: ["run"], user: "65534", exposedPorts: ["8080/tcp"]),
            hostConfig: HostConfig(tmpfs: ["/tmp": ""], readonlyRootfs: true, capDrop: ["ALL"], init: true),
            networkingConfig: .network("net", aliases: ["a"]))
        let json = try #require(try JSONSerialization.jsonObject(with: DockerClient.encoder.encode(body)) as? [String: Any])
        #expect(json["Image"] as? String == "img")
        #expect(json["User"] as? String == "65534")
        #expect((json["ExposedPorts"] as? [String: Any])?.keys.sorted() == ["8080/tcp"])
        let host = try #require(json["HostConfig"] as? [String: Any])
        #expect(host["ReadonlyRootfs"] as? Bool == true)
        #expect(host["CapDrop"] as? [String] == ["ALL"])
        #expect(host["Init"] as? Bool == true)
        #expect(host["Memory"] == nil)  // unset fields are not sent
        let endpoints = try #require((json["NetworkingConfig"] as? [String: Any])?["EndpointsConfig"] as? [String: Any])
        #expect((endpoints["net"] as? [String: Any])?["Aliases"] as? [String] == ["a"])
    }

    @Test func filtersEncodeAsJSONLists() throws {
        let filters = DockerFilters(["type": ["container"]]).label("a", "b").label("c")
        let decoded = try JSONDecoder().decode([String: [String]].self, from: Data(try #require(filters.queryValue).utf8))
        #expect(decoded == ["type": ["container"], "label": ["a=b", "c"]])
        #expect(DockerFilters().queryValue == nil)
    }

    @Test func cpuPercentIsComputedLikeTheDockerCLI() throws {
        let json = """
            {"cpu_stats":{"cpu_usage":{"total_usage":400000000},"system_cpu_usage":20000000000,"online_cpus":2},
             "precpu_stats":{"cpu_usage":{"total_usage":200000000},"system_cpu_usage":18000000000},
             "memory_stats":{"usage":10000000,"limit":67108864,"stats":{"total_inactive_file":2000000}}}
            """
        let stats = try JSONDecoder().decode(ContainerStats.self, from: Data(json.utf8))
        #expect(abs(stats.cpuPercent - 20.0) < 0.0001)  // 0.2e9 / 2e9 * 2 CPUs * 100
        #expect(stats.memoryUsedBytes == 8_000_000)
        #expect(stats.memoryLimitBytes == 67_108_864)
        let stopped = try JSONDecoder().decode(ContainerStats.self, from: Data(#"{"memory_stats":{},"cpu_stats":{"cpu_usage":{"total_usage":0}}}"#.utf8))
        #expect(stopped.cpuPercent == 0)
        #expect(stopped.memoryUsedBytes == nil)
    }

    @Test func timestampsKeepNanosecondsAndZeroIsNever() throws {
        let date = try #require(DockerTimestamp.parse("2024-05-01T10:00:00.123456789Z"))
        #expect(abs(date.timeIntervalSince1970 - 1_714_557_600.123456789) < 0.000001)
        #expect(DockerTimestamp.parse("0001-01-01T00:00:00Z") == nil)
        #expect(DockerTimestamp.parse("2024-05-01T10:00:00Z") != nil)
    }

    @Test func apiVersionsCompareNumerically() {
        #expect(DockerAPIVersion("1.9")! < DockerAPIVersion("1.41")!)
        #expect(min(DockerAPIVersion(1, 51), DockerAPIVersion.clientMaximum) == DockerAPIVersion(1, 47))
        #expect(DockerAPIVersion("v1") == nil)
    }
}
