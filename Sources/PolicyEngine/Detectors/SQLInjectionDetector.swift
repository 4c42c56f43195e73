/// SQL injection: input that, pasted into a query as a quoted string or a bare number, ends
/// that value and goes on as SQL. The text is tokenized three times — as if it sat inside
/// single quotes, inside double quotes, and bare after a number — and the tokens right after
/// the value ends are checked for the shapes of an attack: a comment that cuts the query short,
/// `OR`/`AND` with a tautology or a function call, `UNION SELECT`, a stacked statement after
/// `;`, `ORDER BY n`, `HAVING`, `INTO OUTFILE`, a concatenated subquery. A few payloads that
/// need no break (`UNION SELECT null,...`, `WAITFOR DELAY`, `xp_cmdshell`, `BENCHMARK(...)`) are
/// flagged anywhere. Sentences with apostrophes and SQL written as SQL pass: what follows the
/// first quote in "it's" or in `WHERE name = 'bob'` is not SQL that breaks out.
enum SQLInjectionDetector {
    static func flags(_ text: [UInt8]) -> Bool {
        if check(text) { return true }
        // `UN/**/ION SEL/**/ECT`: comments used to split keywords.
        guard text.containsBytes(Bytes.of("/*")) else { return false }
        return check(withoutComments(text))
    }

    /// `text` with closed `/* ... */` comments (other than MySQL's `/*!`) removed.
    static func withoutComments(_ text: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        var index = 0
        while index < text.count {
            if text.has(Bytes.of("/*"), at: index), !text.has(Bytes.of("/*!"), at: index) {
                var close = index + 2
                while close + 1 < text.count, !(text[close] == UInt8(ascii: "*") && text[close + 1] == UInt8(ascii: "/")) {
                    close += 1
                }
                // An unclosed comment runs to the end; nothing after it can be split by comments.
                guard close + 1 < text.count else { return output + text[index...] }
                index = close + 2
                continue
            }
            output.append(text[index])
            index += 1
        }
        return output
    }

    static func check(_ text: [UInt8]) -> Bool {
        let hasSingle = text.contains(UInt8(ascii: "'"))
        let hasDouble = text.contains(UInt8(ascii: "\""))
        if hasSingle, quoteContext(text, quote: UInt8(ascii: "'")) { return true }
        if hasDouble, quoteContext(text, quote: UInt8(ascii: "\"")) { return true }
        guard mayNeedTokens(text) else { return false }
        let tokens = SQLTokenizer.tokenize(text)
        return numericContext(tokens) || anywhere(tokens)
    }

    private static let anywhereTriggers: [[UInt8]] = ["union", "waitfor", "benchmark", "sleep", "xp_", "sp_", ";", "dbms_", "utl_"]
        .map(Bytes.of)

    /// Whether the bare-value and anywhere checks could find anything: the text starts like a
    /// number or a condition, or contains a word those checks look for. Most prose does not.
    static func mayNeedTokens(_ text: [UInt8]) -> Bool {
        var start = 0
        while start < text.count, Bytes.isSpace(text[start]) || text[start] == UInt8(ascii: "(") { start += 1 }
        if start < text.count {
            let first = text[start]
            if Bytes.isDigit(first) || first == UInt8(ascii: "-") || first == UInt8(ascii: "|") || first == UInt8(ascii: "&")
                || text.has(Bytes.of("or"), at: start) || text.has(Bytes.of("and"), at: start)
            {
                return true
            }
        }
        return anywhereTriggers.contains { text.containsBytes($0) }
    }

    /// The text as the tail of a quoted string: what follows the first closing quote.
    static func quoteContext(_ text: [UInt8], quote: UInt8) -> Bool {
        let tokens = SQLTokenizer.tokenize(text, insideQuote: quote)
        guard case .string(terminated: true) = tokens.first else { return false }
        return breakout(tokens, from: 1, afterQuote: true)
    }

    /// The text as a bare numeric value: a leading number followed by SQL.
    static func numericContext(_ tokens: [SQLToken]) -> Bool {
        // A value that starts with a condition, as appended after a number: `OR 1=1`.
        if let first = tokens.first, first.isWord("or") || first.isWord("and") || first.isOp("||") || first.isOp("&&") {
            var index = 1
            if operand(tokens, &index) != nil, comparison(tokens, &index), operand(tokens, &index) != nil,
                termination(tokens, index) != .none
            {
                return true
            }
        }
        var index = 0
        if index < tokens.count, tokens[index].isOp("-") { index += 1 }
        guard index < tokens.count, tokens[index] == .number else { return false }
        return breakout(tokens, from: index + 1, afterQuote: false)
    }

    /// Whether the tokens from `start` (right after the value ends) continue as injected SQL.
    static func breakout(_ tokens: [SQLToken], from start: Int, afterQuote: Bool) -> Bool {
        var index = start
        while index < tokens.count, tokens[index] == .closeParen { index += 1 }
        guard index < tokens.count else { return false }
        let next = index + 1
        switch tokens[index] {
        case .comment:
            return afterQuote || index > start
        case .semicolon:
            return index + 1 < tokens.count && statementKeywords.contains(tokens[index + 1].wordText ?? "")
        case .op(let op) where op == Bytes.of("||") || op == Bytes.of("&&"):
            return tautology(tokens, from: next) || concatenation(tokens, from: next)
        case .op(let op) where op == Bytes.of("+"):
            return concatenation(tokens, from: next)
        case .word(let word):
            switch String(decoding: word, as: UTF8.self) {
            case "or", "and", "xor": return tautology(tokens, from: next)
            case "union": return unionSelect(tokens, from: next)
            case "order", "group":
                guard next + 1 < tokens.count, tokens[next].isWord("by") else { return false }
                return tokens[next + 1] == .number || termination(tokens, next + 2) != .none
            case "having": return tautology(tokens, from: next)
            case "into": return next < tokens.count && (tokens[next].isWord("outfile") || tokens[next].isWord("dumpfile"))
            case "procedure": return next < tokens.count && tokens[next].isWord("analyse")
            case "limit": return next < tokens.count && tokens[next] == .number && termination(tokens, next + 1) != .none
            case "waitfor": return next < tokens.count && tokens[next].isWord("delay")
            default: return false
            }
        default:
            return false
        }
    }

    static let statementKeywords: Set<String> = [
        "select", "insert", "update", "delete", "drop", "create", "alter", "truncate", "exec", "execute",
        "declare", "shutdown", "waitfor", "grant", "revoke", "replace", "call", "load", "rename", "backup",
        "restore", "set", "union", "if", "merge", "copy",
    ]

    enum Operand { case number, string, literal, call, word, subquery }
    enum Termination: Equatable { case end, comment, semicolon, logic, clause, none }

    /// After `OR`/`AND`: an operand, optionally compared with another, ending where an injected
    /// condition ends (end of input, a comment, `;`, another condition or clause).
    static func tautology(_ tokens: [SQLToken], from start: Int) -> Bool {
        var index = start
        if index < tokens.count, tokens[index].isWord("not") || tokens[index].isOp("!") { index += 1 }
        guard let first = operand(tokens, &index) else { return false }
        if first == .subquery { return true }
        // `('x')=('x`: a parenthesized operand.
        while index < tokens.count, tokens[index] == .closeParen { index += 1 }
        var compared = false
        if comparison(tokens, &index) {
            guard let second = operand(tokens, &index) else { return false }
            if second == .subquery { return true }
            compared = true
        }
        while index < tokens.count, tokens[index] == .closeParen { index += 1 }
        let end = termination(tokens, index)
        if compared { return end != .none }
        switch first {
        case .number, .literal: return end == .end || end == .comment || end == .semicolon
        case .call: return end != .none
        case .string: return end == .comment || end == .semicolon
        case .word, .subquery: return false
        }
    }

    /// One operand (with arithmetic on it), advancing `index`; nil when there is none.
    static func operand(_ tokens: [SQLToken], _ index: inout Int) -> Operand? {
        while index < tokens.count, tokens[index] == .openParen { index += 1 }
        guard index < tokens.count else { return nil }
        if tokens[index].isOp("-") || tokens[index].isOp("~") { index += 1 }
        guard index < tokens.count else { return nil }
        var kind: Operand
        switch tokens[index] {
        case .number: kind = .number; index += 1
        case .string: kind = .string; index += 1
        case .word(let word):
            let text = String(decoding: word, as: UTF8.self)
            if text == "select" { return .subquery }
            index += 1
            if index < tokens.count, tokens[index] == .openParen {
                skipParentheses(tokens, &index)
                kind = .call
            } else {
                kind = ["true", "false", "null"].contains(text) ? .literal : .word
            }
        default: return nil
        }
        // Arithmetic: `1+1`, `2*3`.
        while index + 1 < tokens.count, case .op(let op) = tokens[index], op.count == 1,
            [UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "*"), UInt8(ascii: "/"), UInt8(ascii: "%")].contains(op[0])
        {
            index += 1
            guard operand(tokens, &index) != nil else { return nil }
        }
        return kind
    }

    static func skipParentheses(_ tokens: [SQLToken], _ index: inout Int) {
        var depth = 0
        while index < tokens.count {
            if tokens[index] == .openParen { depth += 1 }
            if tokens[index] == .closeParen { depth -= 1 }
            index += 1
            if depth == 0 { return }
        }
    }

    static let comparisonOperators: [[UInt8]] = ["=", "<", ">", "<=", ">=", "<>", "!=", "<=>", "==", "!<", "!>"].map(Bytes.of)
    static let comparisonWords: Set<String> = ["like", "rlike", "regexp", "is", "in", "between", "sounds", "glob"]

    static func comparison(_ tokens: [SQLToken], _ index: inout Int) -> Bool {
        guard index < tokens.count else { return false }
        if case .op(let op) = tokens[index], comparisonOperators.contains(op) {
            index += 1
            return true
        }
        var cursor = index
        if tokens[cursor].isWord("not") { cursor += 1 }
        guard cursor < tokens.count, let word = tokens[cursor].wordText, comparisonWords.contains(word) else { return false }
        cursor += 1
        if word == "is" || word == "sounds", cursor < tokens.count,
            tokens[cursor].isWord("not") || tokens[cursor].isWord("like")
        {
            cursor += 1
        }
        index = cursor
        return true
    }

    static func termination(_ tokens: [SQLToken], _ index: Int) -> Termination {
        guard index < tokens.count else { return .end }
        switch tokens[index] {
        case .comment: return .comment
        case .semicolon: return .semicolon
        case .op(let op) where op == Bytes.of("||") || op == Bytes.of("&&"): return .logic
        case .word(let word):
            switch String(decoding: word, as: UTF8.self) {
            case "or", "and", "xor": return .logic
            case "union", "order", "group", "limit", "having", "into", "procedure": return .clause
            default: return .none
            }
        default: return .none
        }
    }

    /// `'||(SELECT ...)||'`, `'+sleep(5)+'`: a subquery or call concatenated into the string.
    static func concatenation(_ tokens: [SQLToken], from start: Int) -> Bool {
        var index = start
        guard let kind = operand(tokens, &index) else { return false }
        return kind == .subquery || kind == .call
    }

    static func unionSelect(_ tokens: [SQLToken], from start: Int) -> Bool {
        var index = start
        if index < tokens.count, tokens[index].isWord("all") || tokens[index].isWord("distinct") { index += 1 }
        while index < tokens.count, tokens[index] == .openParen { index += 1 }
        return index < tokens.count && tokens[index].isWord("select")
    }
}
