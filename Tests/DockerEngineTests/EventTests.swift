import DockerEngine
import Foundation
import Testing

extension EngineTests {
    @Test func eventsStreamSeesStartAndDieOfALabelledContainer() async throws {
        try await withCleanup { cleanup in
            let client = TestEngine.client
            let marker = UUID().uuidString
            let filters = DockerFilters(["type": ["container"]])
                .label("mcp-operator.test.run", TestEngine.runID).label("case", marker)
            let events = try await client.events(filters: filters)
            let id = try await makeContainer(cleanup, command: ["/bin/sh", "-c", "exit 7"], labels: ["case": marker])
            try await client.startContainer(id)
            let seen = try await withTimeout(.seconds(20), "waiting for the die event") {
                var seen: [DockerEvent] = []
                for try await event in events {
                    seen.append(event)
                    if event.action == "die" { break }
                }
                return seen
            }
            let actions = seen.map(\.action)
            #expect(actions.contains("create"))
            #expect(actions.contains("start"))
            #expect(actions.last == "die")
            #expect(seen.allSatisfy { $0.type == "container" && $0.actor.id == id })
            let die = try #require(seen.last)
            #expect(die.exitCode == 7)
            #expect(die.actor.attributes["case"] == marker)
            #expect(die.actor.attributes["image"] == TestEngine.image)
            #expect(die.timeNano != nil)
            #expect(abs(die.date.timeIntervalSinceNow) < 60)
        }
    }

    @Test func pastEventsAreReplayedWithSinceAndEndAtUntil() async throws {
        try await withCleanup { cleanup in
            let client = TestEngine.client
            let marker = UUID().uuidString
            let start = Int64(Date().timeIntervalSince1970) - 1
            let id = try await makeContainer(cleanup, command: ["true"], labels: ["case": marker])
            try await client.removeContainer(id)
            let until = Int64(Date().timeIntervalSince1970) + 1
            let filters = DockerFilters.label("mcp-operator.test.run", TestEngine.runID).label("case", marker)
            let events = try await client.events(filters: filters, since: start, until: until)
            let actions = try await withTimeout(.seconds(20), "replaying events") {
                var actions: [String] = []
                for try await event in events { actions.append(event.action) }
                return actions
            }
            #expect(actions == ["create", "destroy"])
        }
    }
}
