import Foundation
import LocalStore
import TestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The store shared between processes: concurrent writers, a writer holding the lock, a
/// writer killed in the middle of a transaction, files that are not stores.
@Suite struct StoreProcessTests {
    func manyServers(prefix: String, count: Int) -> String {
        (0..<count).map { index in
            "apiVersion: mcpoperator.io/v1alpha1\nkind: MCPServer\nmetadata:\n  name: \(prefix)-\(index)\nspec:\n  image: mcp-operator/sample-posts:dev\n  replicas: 1\n"
        }.joined(separator: "---\n")
    }

    @Test func twoMcpctlProcessesApplyToOneStoreConcurrently() async throws {
        let ctl = try Ctl()
        let first = try ctl.file("a.yaml", manyServers(prefix: "a", count: 300))
        let second = try ctl.file("b.yaml", manyServers(prefix: "b", count: 300))
        async let one = ctl.run(["apply", "-f", first, "--no-controller"])
        async let two = ctl.run(["apply", "-f", second, "--no-controller"])
        let results = try await [one, two]
        for result in results {
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.split(separator: "\n").count == 300)
        }
        let store = try ctl.store()
        let servers = try store.list(.server, namespace: "default")
        #expect(servers.count == 600)
        // Every write took its own resourceVersion from the one counter.
        #expect(Set(servers.map(\.resourceVersion)).count == 600)
        #expect(try store.changeCounter() == 600)
    }

    @Test func aWriterKilledMidApplyLeavesTheStoreAsItWas() async throws {
        let ctl = try Ctl()
        let seed = try await ctl.run(["apply", "-f", try ctl.file("seed.yaml", serverYAML), "--no-controller"])
        #expect(seed.status == 0, "\(seed.stderr)")
        let big = try ctl.file("big.yaml", manyServers(prefix: "bulk", count: 2000))
        let environment = ctl.environment
        let state = ctl.state
        // Start a large apply with verbose store logging; kill -9 it once it has written 200
        // objects inside its (uncommitted) transaction. The progress line is looked for among the
        // whole lines read: one read may end in the middle of a line.
        let (killedAt, output): (String?, String) = try await onDedicatedThread {
            let process = try ChildProcess(executable: Ctl.executable,
                                           arguments: ["apply", "-f", big, "--no-controller", "-v", "6", "--state", state],
                                           environment: environment, stdin: .null, stdout: .null, stderr: .pipe)
            var buffer = Data()
            var line: String?
            guard let handle = process.standardError else { preconditionFailure("stderr is a pipe") }
            while line == nil {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                buffer.append(chunk)
                let lines = String(decoding: buffer, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
                line = lines.dropLast().first { $0.contains("wrote 200 of 2000") }.map(String.init)
            }
            process.signal(SIGKILL)
            process.waitUntilExit()
            return (line, String(decoding: buffer, as: UTF8.self))
        }
        let shown = killedAt ?? "no whole line with wrote 200 of 2000 in:\n" + String(output.suffix(2000))
        #expect(killedAt?.contains("not yet committed") == true, "\(shown)")
        let store = try ctl.store()
        #expect(try store.list(.server, namespace: nil).map(\.name) == ["posts"])
        #expect(try store.changeCounter() == 1)
        // The store still takes writes, and the same apply now lands whole.
        let retry = try await ctl.run(["apply", "-f", big, "--no-controller"])
        #expect(retry.status == 0, "\(retry.stderr)")
        #expect(try store.list(.server, namespace: nil).count == 2001)
    }

    /// A Python process holding the store's write lock (BEGIN IMMEDIATE) until `seconds` pass.
    func lockHolder(_ path: String, seconds: Double) async throws -> PeerProcess {
        let script = """
        import sqlite3, sys, time
        connection = sqlite3.connect(sys.argv[1], isolation_level=None)
        connection.execute("BEGIN IMMEDIATE")
        print("locked", flush=True)
        time.sleep(float(sys.argv[2]))
        connection.execute("COMMIT")
        """
        return try await PeerProcess.start(executable: "/usr/bin/env", arguments: ["python3", "-c", script, path, String(seconds)])
    }

    @Test func aSecondWriterFailsAfterTheBusyTimeoutNamingTheFile() async throws {
        let fixture = try TemporaryStore()
        let holder = try await lockHolder(fixture.store.path, seconds: 30)
        defer { holder.stop() }
        #expect(holder.firstLine == "locked")
        let impatient = try LocalStateStore(directory: fixture.directory, busyTimeout: .milliseconds(200))
        do {
            try impatient.apply(serverJSON("posts"), source: "posts.yaml")
            Issue.record("the apply went through a held lock")
        } catch let error as LocalStoreError {
            #expect(error.isBusy)
            #expect(error.description.contains(fixture.store.path))
            #expect(error.description.contains("locked by another process"))
        }
        // Reads are not blocked by a writer (WAL).
        #expect(try impatient.list(.server, namespace: nil).isEmpty)
    }

    @Test func aSecondWriterWaitsForTheLockWithinTheBusyTimeout() async throws {
        let fixture = try TemporaryStore()
        let holder = try await lockHolder(fixture.store.path, seconds: 0.5)
        defer { holder.stop() }
        let patient = try LocalStateStore(directory: fixture.directory, busyTimeout: .seconds(20))
        let result = try await onDedicatedThread { try patient.apply(serverJSON("posts"), source: "posts.yaml") }
        #expect(result.outcome == .created)
    }

    @Test func migratesAnEmptyFileAndKeepsDataAcrossReopening() throws {
        let directory = try makeTemporaryDirectory(prefix: "local-store")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        FileManager.default.createFile(atPath: directory + "/" + LocalStateStore.fileName, contents: Data())
        let store = try LocalStateStore(directory: directory)
        #expect(try store.appliedMigrations() == LocalStateStore.migrationIdentifiers)
        #expect(LocalStateStore.migrationIdentifiers.count >= 2)
        try store.apply(serverJSON("posts"), source: "a")
        let reopened = try LocalStateStore(directory: directory)
        #expect(try reopened.appliedMigrations() == LocalStateStore.migrationIdentifiers)
        #expect(try reopened.get(.server, namespace: "default", name: "posts")?.generation == 1)
    }

    @Test func aFileThatIsNotAStoreIsAClearError() throws {
        let directory = try makeTemporaryDirectory(prefix: "local-store")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/" + LocalStateStore.fileName
        try String(repeating: "this is not SQLite\n", count: 200).write(toFile: path, atomically: true, encoding: .utf8)
        do {
            _ = try LocalStateStore(directory: directory)
            Issue.record("opened a text file as a store")
        } catch let error as LocalStoreError {
            #expect(error.description.contains(path))
            #expect(error.description.contains("is not an mcp-operator state store"))
        }
    }

    @Test func defaultDirectoryFollowsXDGThenHome() {
        #expect(LocalStateStore.defaultDirectory(environment: ["XDG_DATA_HOME": "/data", "HOME": "/home/u"]) == "/data/mcp-operator")
        #expect(LocalStateStore.defaultDirectory(environment: ["HOME": "/home/u"]) == "/home/u/.local/share/mcp-operator")
        #expect(LocalStateStore.defaultDirectory(environment: ["XDG_DATA_HOME": "", "HOME": "/home/u"]) == "/home/u/.local/share/mcp-operator")
    }
}
