import Testing

@testable import PolicyEngine

@Suite struct AuthorizationTests {
    let policy: CompiledPolicy

    init() throws {
        policy = try CompiledPolicy(
            PolicyDocument(
                authentication: .init(allowAnonymous: true),
                roles: [
                    .init(name: "everyone", subjects: ["*"], allowTools: ["search", "weather_*"]),
                    .init(name: "analyst", subjects: ["ana", "team-*"], allowTools: ["db_*", "files__*"], denyTools: ["db_drop*", "db_delete"]),
                    .init(name: "admin", claims: ["groups": ["ops", "sre"]], allowTools: ["*"]),
                    .init(name: "frozen", subjects: ["team-frozen"], denyTools: ["*"]),
                    .init(name: "auditor", allowTools: ["audit_*"]),
                    .init(name: "eu-staff", subjects: ["*@example.eu"], claims: ["country": ["de", "fr"]], allowTools: ["gdpr_*"]),
                ]))
    }

    @Test func denyWinsAcrossRoles() {
        let admin = Identity(subject: "ana", claims: ["groups": ["sre"]], method: .jwt)
        #expect(policy.roles(of: admin) == ["everyone", "analyst", "admin"])
        let decision = policy.authorize(admin, tool: "db_drop_table")
        #expect(!decision.allowed)
        #expect(decision.rule == "roles.analyst.denyTools[0]")
        #expect(policy.authorize(admin, tool: "db_delete").rule == "roles.analyst.denyTools[1]")
        #expect(policy.authorize(admin, tool: "shell_exec").rule == "roles.admin.allowTools[0]")
        #expect(policy.authorize(.key("team-frozen"), tool: "search").rule == "roles.frozen.denyTools[0]")
    }

    @Test func allowNamesTheFirstMatchingPattern() {
        let decision = policy.authorize(.key("team-data"), tool: "db_query")
        #expect(decision.allowed)
        #expect(decision.rule == "roles.analyst.allowTools[0]")
        #expect(policy.authorize(.key("team-data"), tool: "weather_today").rule == "roles.everyone.allowTools[1]")
    }

    @Test func unmatchedToolsFallToTheDefaultAction() throws {
        let decision = policy.authorize(.key("bob"), tool: "db_query")
        #expect(!decision.allowed)
        #expect(decision.rule == "defaultAction")
        let permissive = try CompiledPolicy(PolicyDocument(defaultAction: .allow, roles: [.init(name: "r", subjects: ["x"], denyTools: ["rm"])]))
        #expect(permissive.authorize(.key("bob"), tool: "anything").allowed)
        #expect(permissive.authorize(.key("bob"), tool: "anything").rule == "defaultAction")
        #expect(!permissive.authorize(.key("x"), tool: "rm").allowed)
    }

    @Test func rolesComeFromNamesSubjectsAndClaims() {
        #expect(policy.roles(of: Identity(subject: "carol", roles: ["auditor"], method: .jwt)) == ["everyone", "auditor"])
        #expect(policy.roles(of: Identity(subject: "dan", claims: ["groups": ["dev", "ops"]], method: .jwt)) == ["everyone", "admin"])
        #expect(policy.roles(of: Identity(subject: "dan", claims: ["groups": ["dev"]], method: .jwt)) == ["everyone"])
        // Subjects and claims together: both must hold.
        #expect(policy.roles(of: Identity(subject: "eve@example.eu", claims: ["country": ["de"]], method: .jwt)).contains("eu-staff"))
        #expect(!policy.roles(of: Identity(subject: "eve@example.eu", claims: ["country": ["us"]], method: .jwt)).contains("eu-staff"))
        #expect(!policy.roles(of: Identity(subject: "eve@example.com", claims: ["country": ["de"]], method: .jwt)).contains("eu-staff"))
    }

    @Test func visibilityFiltersToolsList() {
        let tools = ["search", "db_query", "db_drop_all", "files__read", "audit_log", "weather_now"]
        #expect(policy.visibleTools(for: .key("team-x"), among: tools) == ["search", "db_query", "files__read", "weather_now"])
        #expect(policy.toolVisible(.key("team-x"), "db_query"))
        #expect(!policy.toolVisible(.key("team-x"), "db_drop_all"))
        #expect(policy.visibleTools(for: .anonymous, among: tools) == ["search", "weather_now"])
    }

    @Test func anonymousCallersNeedThePolicysPermission() throws {
        let closed = try CompiledPolicy(PolicyDocument(roles: [.init(name: "all", subjects: ["*"], allowTools: ["*"])]))
        #expect(!closed.toolVisible(.anonymous, "search"))
        #expect(closed.visibleTools(for: .anonymous, among: ["search"]).isEmpty)
        let decision = closed.evaluate(ToolCallRequest(identity: .anonymous, clientIP: "192.0.2.1", toolName: "search"))
        #expect(decision.rule == "authentication.anonymous")
        #expect(closed.evaluate(ToolCallRequest(identity: .key("k"), clientIP: "192.0.2.1", toolName: "search")).allowed)
    }
}
