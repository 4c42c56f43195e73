import Foundation
import TestSupport
import Testing

/// The test-support process starter these tests' peers run under.
@Suite struct PeerProcessTests {
    @Test func theFirstLineIsTheAddress() async throws {
        let peer = try await PeerProcess.start(executable: "/bin/sh", arguments: ["-c", "echo 4242; exec sleep 30"])
        #expect(peer.firstLine == "4242")
        peer.stop()
        #expect(!peer.process.isRunning)
    }

    @Test func aSilentPeerFailsAtItsDeadlineAndIsEnded() async throws {
        // It neither prints nor exits: waiting on its output alone would wait forever.
        do {
            let peer = try await PeerProcess.start(executable: "/bin/sh", arguments: ["-c", "exec sleep 100000"], timeout: .seconds(1))
            Issue.record("expected no first line, got \(peer.firstLine)")
        } catch let error as PeerProcessError {
            #expect(error.message.contains("printed no first line"))
            #expect(error.message.contains("running: true"))
        }
    }

    @Test func aPeerThatExitsSilentlyFailsAtOnce() async throws {
        await #expect(throws: PeerProcessError.self) {
            _ = try await PeerProcess.start(executable: "/bin/sh", arguments: ["-c", "exit 3"], timeout: .seconds(600))
        }
    }
}
