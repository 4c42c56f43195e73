import Testing

@testable import PolicyEngine

@Suite struct RegexTests {
    /// Pattern, input, and the expected first match (nil for no match).
    static let table: [(String, String, String?)] = [
        ("abc", "xxabcxx", "abc"), ("abc", "ab", nil), ("a.c", "a\nc abc", "abc"), ("(?s)a.c", "a\nc", "a\nc"),
        ("^abc", "abc", "abc"), ("^abc", "xabc", nil), ("abc$", "xabc", "abc"), ("abc$", "abcx", nil),
        ("(?m)^b$", "a\nb\nc", "b"), ("^$", "", ""), ("\\Aa", "aa", "a"), ("a\\z", "aa", "a"),
        ("colou?r", "color", "color"), ("colou?r", "colour", "colour"), ("ab*c", "ac", "ac"), ("ab+c", "ac", nil),
        ("ab+c", "abbbc", "abbbc"), ("a{3}", "aaaa", "aaa"), ("a{2,3}", "aaaa", "aaa"), ("a{2,}", "aaaaa", "aaaaa"),
        ("a{2,3}?", "aaaa", "aa"), ("a+?", "aaa", "a"), ("a*?b", "aaab", "aaab"), ("<.+>", "<a><b>", "<a><b>"),
        ("<.+?>", "<a><b>", "<a>"), ("cat|dog", "hotdog", "dog"), ("(cat|category)", "category", "cat"),
        ("[abc]+", "xxcabx", "cab"), ("[^abc]+", "abcdefa", "def"), ("[a-f0-9]+", "zz9f3gz", "9f3"),
        ("[-a]+", "x-a-", "-a-"), ("[a\\]]+", "x]a]", "]a]"), ("\\d+", "order 66", "66"), ("\\D+", "66 orders", " orders"),
        ("\\w+", "  hello_1 ", "hello_1"), ("\\W+", "ab, cd", ", "), ("\\s+", "a \t b", " \t "), ("\\S+", "  xy ", "xy"),
        ("[\\d.]+", "v1.2.3", "1.2.3"), ("\\bcat\\b", "concat cat", "cat"), ("\\Bcat", "concat", "cat"),
        ("(?i)hello", "Say HeLLo", "HeLLo"), ("(?i:x)y", "XY Xy", "Xy"), ("(?i)[a-c]+", "xABCx", "ABC"), ("(?i)straße", "STRAßE", "STRAßE"),
        ("é+", "caféé", "éé"), ("[à-ü]+", "naïve", "ï"), (".", "😀x", "😀"), ("\\u00e9", "café", "é"), ("\\x41", "zA", "A"),
        ("\\u{1F600}", "a😀", "😀"), ("a\\.b", "axb a.b", "a.b"), ("\\(x\\)", "f(x)", "(x)"), ("a{,2}", "a{,2}", "a{,2}"),
        ("x{", "x{", "x{"), ("(a|b)*c", "ababc", "ababc"), ("(a*)*b", "aab", "aab"), ("(a|)+b", "aab", "aab"),
        ("(?:ab)+", "ababab", "ababab"), ("(?<year>\\d{4})-(\\d{2})", "on 2024-05-01", "2024-05"), ("", "abc", ""),
        ("x*", "abc", ""), ("[0-9]{3}-[0-9]{4}", "call 555-1234 now", "555-1234"),
        ("\\b\\d{4}[- ]?\\d{4}[- ]?\\d{4}[- ]?\\d{4}\\b", "card 4111 1111 1111 1111.", "4111 1111 1111 1111"),
    ]

    @Test func matchesTheTable() throws {
        for (pattern, input, expected) in Self.table {
            let regex = try PolicyRegex(pattern)
            let match = regex.firstMatch(in: input)
            #expect(match?.text(in: input).map(String.init) == expected, "/\(pattern)/ on \(input.debugDescription)")
            #expect(regex.matches(input) == (expected != nil), "/\(pattern)/ matches \(input.debugDescription)")
        }
    }

    @Test func reportsGroups() throws {
        let regex = try PolicyRegex("(\\w+)@(\\w+)(\\.com)?")
        let text = "mail bob@example now"
        let match = try #require(regex.firstMatch(in: text))
        #expect(match.text(1, in: text) == "bob")
        #expect(match.text(2, in: text) == "example")
        #expect(match.ranges[3] == nil)
        #expect(regex.captureGroupCount == 3)
        #expect(match.range == 5..<16)
    }

    @Test func rejectsUnsupportedSyntaxWithPositions() {
        let cases: [(String, String, Int)] = [
            ("(a)\\1", "backreferences", 3), ("(?=a)", "lookahead", 0), ("x(?<!a)", "lookahead", 1), ("(?!a)", "lookahead", 0),
            ("\\k<n>", "backreferences", 0), ("(ab", "missing closing parenthesis", 0), ("ab)", "unmatched", 2),
            ("*a", "nothing to repeat", 0), ("a**", "nothing to repeat", 2), ("[abc", "unterminated character class", 0),
            ("[z-a]", "out of order", 1), ("a{3,2}", "minimum is above", 1), ("a{1001}", "repetition count", 1),
            ("abc\\", "ends with a backslash", 3), ("\\q", "unknown or unsupported escape", 0), ("(?x)a", "unknown group", 0),
            ("((a{1000}){1000}){1000}", "more than", 0), ("\\p{L}", "unknown or unsupported escape", 0),
            // Hostile patterns a policy may carry: none may crash or hang the operator or a gateway.
            (String(repeating: "(", count: 20_000) + String(repeating: ")", count: 20_000), "pattern longer than 4096", 4096),
            (String(repeating: "(", count: 101) + "a" + String(repeating: ")", count: 101), "nested deeper than 100", 100),
            ("(?:(?:(?:(?:(?:){1000}){1000}){1000}){1000}){1000}", "more than", 0),
            ("(?:(?:(?:a{0}){1000}){1000}){1000}", "more than", 0),
        ]
        for (pattern, fragment, position) in cases {
            do {
                _ = try PolicyRegex(pattern)
                Issue.record("/\(pattern)/ should not compile")
            } catch {
                #expect(error.description.contains(fragment), "/\(pattern)/: \(error)")
                #expect(error.position == position, "/\(pattern)/: \(error)")
            }
        }
    }

    @Test func pathologicalPatternsFinish() throws {
        // Exponential for a backtracking engine; linear here. Completing is the assertion.
        let text = String(repeating: "a", count: 30_000)
        #expect(!(try PolicyRegex("(a*)*b").matches(text)))
        #expect(!(try PolicyRegex("(a|aa)+$x").matches(text)))
        #expect(try PolicyRegex("(a+)+").firstMatch(in: text)?.range.count == 30_000)
        #expect(!(try PolicyRegex("(x+x+)+y").matches(String(repeating: "x", count: 5_000))))
    }

    @Test func knowsWhichPatternsMatchEmpty() throws {
        #expect(try PolicyRegex("a*").canMatchEmpty)
        #expect(try PolicyRegex("\\b").canMatchEmpty)
        #expect(try PolicyRegex("(a|b?)").canMatchEmpty)
        #expect(!(try PolicyRegex("a+").canMatchEmpty))
        #expect(!(try PolicyRegex("(a|b)c*").canMatchEmpty))
    }
}

@Suite struct RedactionTests {
    @Test func replacesEveryMatchWithGroups() throws {
        let email = try PolicyRegex("([\\w.+-]+)@([\\w-]+\\.[\\w.]+)")
        #expect(email.replacingMatches(in: "to: a.b@example.com, c@d.org!", with: "<$1 at ${2}>") == "to: <a.b at example.com>, <c at d.org>!")
        #expect(email.replacingMatches(in: "none here", with: "x") == "none here")
        #expect(try PolicyRegex("\\d").replacingMatches(in: "a1b22", with: "$$") == "a$b$$")
        #expect(try PolicyRegex("x*").replacingMatches(in: "abc", with: "-") == "-a-b-c-")
        #expect(try PolicyRegex("é").replacingMatches(in: "café crème", with: "e") == "cafe crème")
    }

    @Test func policyRedactsTextAndJSONInOrder() throws {
        let policy = try CompiledPolicy(
            PolicyDocument(outputRedaction: [
                .init(name: "card", pattern: "\\b(?:\\d[ -]?){12}(\\d{4})\\b", replacement: "****$1"),
                .init(name: "aws", pattern: "AKIA[0-9A-Z]{16}"),
                .init(name: "bearer", pattern: "(?i)bearer [a-z0-9._-]+", replacement: "Bearer <token>"),
            ]))
        #expect(policy.redactsOutput)
        #expect(policy.redact("Card 4111 1111 1111 1234 ok") == "Card ****1234 ok")
        #expect(policy.redact("key=AKIAABCDEFGHIJKLMNOP;") == "key=[REDACTED];")
        #expect(policy.redact("Authorization: BEARER abc.def-123") == "Authorization: Bearer <token>")
        let result: PolicyJSON = ["content": [["type": "text", "text": "AKIAABCDEFGHIJKLMNOP"]], "isError": false]
        #expect(policy.redact(result) == ["content": [["type": "text", "text": "[REDACTED]"]], "isError": false])
    }
}
