import Testing

@testable import PolicyEngine

@Suite struct GlobTests {
    @Test(arguments: [
        ("read_file", "read_file", true), ("read_file", "read_files", false),
        ("read_*", "read_file", true), ("read_*", "read_", true), ("read_*", "write_file", false),
        ("*_file", "delete_file", true), ("*_file", "delete_files", false),
        ("*", "", true), ("*", "anything at all", true),
        ("git__*", "git__commit", true), ("git__*", "github__issue", false),
        ("?at", "cat", true), ("?at", "at", false), ("?at", "chat", false),
        ("[cb]at", "bat", true), ("[cb]at", "rat", false),
        ("[a-c]*", "beta", true), ("[!a-c]*", "beta", false), ("[^a-c]*", "delta", true),
        ("file[0-9][0-9]", "file42", true), ("file[0-9][0-9]", "file4", false),
        ("*a*b*c*", "xxaxxbxxcxx", true), ("*a*b*c*", "xxaxxcxxbxx", false),
        ("a\\*b", "a*b", true), ("a\\*b", "axb", false),
        ("[]]x", "]x", true), ("ü*", "über", true), ("?", "é", true),
        ("*.*.*", "a.b.c", true), ("**", "x", true), ("a*a*a*a*a*b", String(repeating: "a", count: 60), false),
    ])
    func matches(pattern: String, name: String, expected: Bool) throws {
        #expect(try Glob(pattern).matches(name) == expected)
    }

    @Test func rejectsBrokenPatterns() {
        #expect(throws: GlobSyntaxError.self) { try Glob("abc[") }
        #expect(throws: GlobSyntaxError.self) { try Glob("abc\\") }
        #expect(throws: GlobSyntaxError.self) { try Glob("[z-a]") }
    }

    @Test func setFindsTheFirstMatchInOrder() throws {
        let set = GlobSet(try ["db_*", "*", "db_read", "d?_read", "db_[rw]*"].map { try Glob($0) })
        #expect(set.matches("db_read") == [0, 1, 2, 3, 4])
        #expect(set.firstMatch("db_read") == 0)
        #expect(set.firstMatch("db_read", where: { $0 >= 2 }) == 2)
        #expect(set.matches("other") == [1])
        #expect(GlobSet([]).firstMatch("x") == nil)
    }
}
