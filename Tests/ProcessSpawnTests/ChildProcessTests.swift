import Foundation
import ProcessSpawn
import Testing

/// Runs `body` on a thread of its own that blocks every signal, as Dispatch and NIO threads do.
private func onSignalBlockingThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            var all = sigset_t()
            sigfillset(&all)
            pthread_sigmask(SIG_SETMASK, &all, nil)
            continuation.resume(with: Result { try body() })
        }
        thread.start()
    }
}

private func readAll(_ process: ChildProcess) -> String {
    String(decoding: process.standardOutput?.readDataToEndOfFile() ?? Data(), as: UTF8.self)
}

@Suite struct ChildProcessTests {
    @Test func theChildStartsWithNoBlockedAndNoIgnoredSignals() async throws {
        // The parent ignores SIGPIPE (as every server does) and spawns from a thread blocking all
        // signals; a child inheriting either would ignore SIGTERM or SIGPIPE for good.
        signal(SIGPIPE, SIG_IGN)
        let status = try await onSignalBlockingThread { () -> String in
            let child = try ChildProcess(executable: "/bin/cat", arguments: ["/proc/self/status"], stdout: .pipe)
            let text = readAll(child)
            child.waitUntilExit()
            return text
        }
        let fields = Dictionary(status.split(separator: "\n").compactMap { line -> (String, String)? in
            let parts = line.split(separator: ":", maxSplits: 1)
            return parts.count == 2 ? (String(parts[0]), parts[1].trimmingCharacters(in: .whitespaces)) : nil
        }, uniquingKeysWith: { first, _ in first })
        // Signals 1-31 (32 and up are glibc's and real-time ones, not the application's to set).
        func standard(_ field: String) -> UInt64? { fields[field].flatMap { UInt64($0, radix: 16) }.map { $0 & 0x7fff_ffff } }
        #expect(standard("SigBlk") == 0, "SigBlk \(fields["SigBlk"] ?? "?")")
        #expect(standard("SigIgn") == 0, "SigIgn \(fields["SigIgn"] ?? "?")")
    }

    @Test func theChildInheritsOnlyItsStandardDescriptors() throws {
        // A descriptor of the parent without close-on-exec, as libraries leave them.
        let opened = open("/dev/null", O_RDONLY)
        #expect(opened >= 0)
        let leaked: Int32 = 250
        #expect(dup2(opened, leaked) == leaked)
        close(opened)
        defer { close(leaked) }
        let child = try ChildProcess(executable: "/bin/ls", arguments: ["/proc/self/fd"], stdout: .pipe)
        let descriptors = Set(readAll(child).split(separator: "\n").map(String.init))
        child.waitUntilExit()
        #expect(descriptors.isSuperset(of: ["0", "1", "2"]))
        #expect(!descriptors.contains("\(leaked)"), "child saw descriptors \(descriptors.sorted())")
        #expect(descriptors.count <= 4)  // 0, 1, 2 and the one ls reads the folder with
    }

    @Test func pipesEnvironmentAndDirectory() throws {
        let child = try ChildProcess(executable: "/bin/sh", arguments: ["-c", "pwd; echo \"$GREETING\"; cat; echo oops >&2"],
                                     environment: ["GREETING": "hello"], directory: "/tmp",
                                     stdin: .pipe, stdout: .pipe, stderr: .pipe)
        try child.standardInput?.write(contentsOf: Data("from stdin\n".utf8))
        try child.standardInput?.close()
        let output = readAll(child)
        let errors = String(decoding: child.standardError?.readDataToEndOfFile() ?? Data(), as: UTF8.self)
        #expect(child.waitUntilExit() == .exited(0))
        #expect(output == "/tmp\nhello\nfrom stdin\n")
        #expect(errors == "oops\n")
    }

    @Test func exitStatusesAndSignalsAreReported() throws {
        let failing = try ChildProcess(executable: "/bin/sh", arguments: ["-c", "exit 3"])
        #expect(failing.waitUntilExit() == .exited(3))
        #expect(failing.termination?.status == 3)
        #expect(!failing.isRunning)

        let sleeper = try ChildProcess(executable: "/bin/sleep", arguments: ["100"])
        #expect(sleeper.isRunning)
        #expect(sleeper.terminate() == .signaled(SIGTERM))
    }

    @Test func aChildIgnoringSIGTERMIsKilledAfterTheGracePeriod() throws {
        let stubborn = try ChildProcess(executable: "/bin/sh", arguments: ["-c", "trap '' TERM; echo ready; exec sleep 100"], stdout: .pipe)
        _ = stubborn.standardOutput?.availableData  // "ready": the trap is set
        #expect(stubborn.terminate(grace: .milliseconds(200)) == .signaled(SIGKILL))
    }

    @Test func outputCanGoToAFileWithStandardErrorFollowing() throws {
        let path = NSTemporaryDirectory() + "child-\(UUID().uuidString).log"
        defer { try? FileManager.default.removeItem(atPath: path) }
        for word in ["one", "two"] {
            let child = try ChildProcess(executable: "/bin/sh", arguments: ["-c", "echo \(word); echo \(word)-err >&2"],
                                         stdin: .null, stdout: .file(path), stderr: .standardOutput, newSession: true)
            #expect(child.waitUntilExit() == .exited(0))
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "one\none-err\ntwo\ntwo-err\n")
    }

    @Test func aMissingProgramIsAnErrorNamingIt() {
        #expect {
            _ = try ChildProcess(executable: "/nonexistent/program")
        } throws: { error in
            "\(error)".contains("/nonexistent/program") && "\(error)".contains("No such file")
        }
    }
}
