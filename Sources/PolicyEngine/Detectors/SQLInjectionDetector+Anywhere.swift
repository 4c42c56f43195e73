extension SQLInjectionDetector {
    /// Payloads recognisable without knowing where the value ends.
    static func anywhere(_ tokens: [SQLToken]) -> Bool {
        for index in tokens.indices {
            switch tokens[index] {
            case .word(let bytes):
                let word = String(decoding: bytes, as: UTF8.self)
                switch word {
                case "union":
                    if unionSelect(tokens, from: index + 1), unionPayload(tokens, from: index + 1) { return true }
                case "waitfor":
                    if index + 1 < tokens.count, tokens[index + 1].isWord("delay") || tokens[index + 1].isWord("time") {
                        return true
                    }
                case "benchmark":
                    if index + 2 < tokens.count, tokens[index + 1] == .openParen, tokens[index + 2] == .number { return true }
                case "pg_sleep", "dbms_pipe.receive_message", "dbms_lock.sleep", "utl_inaddr.get_host_name",
                    "utl_http.request":
                    if index + 1 < tokens.count, tokens[index + 1] == .openParen { return true }
                default:
                    if word.hasSuffix("xp_cmdshell") || word.hasSuffix("sp_oacreate") { return true }
                }
            case .semicolon:
                if index > 0, stackedAfterValue(tokens, at: index) { return true }
            default:
                continue
            }
        }
        return false
    }

    /// `UNION SELECT` followed by what probing queries select: `null`, numbered columns,
    /// `@@version`, `version()`, system catalogs.
    static func unionPayload(_ tokens: [SQLToken], from start: Int) -> Bool {
        let window = tokens[start..<min(tokens.count, start + 12)]
        for (offset, token) in zip(window.indices, window) {
            switch token {
            case .word(let bytes):
                let word = String(decoding: bytes, as: UTF8.self)
                if word == "null" || word.hasPrefix("@@") || word.hasPrefix("information_schema")
                    || probeWords.contains(word)
                {
                    return true
                }
                if probeFunctions.contains(word), offset + 1 < tokens.count, tokens[offset + 1] == .openParen {
                    return true
                }
                if word == "from", offset + 1 < tokens.count, let table = tokens[offset + 1].wordText,
                    systemTables.contains(where: { table.hasPrefix($0) })
                {
                    return true
                }
            case .number:
                if offset + 1 < tokens.count, tokens[offset + 1] == .comma { return true }
            case .comment:
                return true
            default:
                continue
            }
        }
        return false
    }

    static let probeWords: Set<String> = ["table_name", "column_name", "schema_name", "current_user", "system_user", "user_name"]
    static let probeFunctions: Set<String> = [
        "version", "database", "user", "schema", "concat", "concat_ws", "group_concat", "char", "chr",
        "load_file", "sleep", "benchmark", "extractvalue", "updatexml", "db_name", "user_name", "unhex", "hex",
    ]
    static let systemTables = [
        "dual", "information_schema", "mysql.", "sysobjects", "syscolumns", "pg_", "all_tables", "all_users",
        "sqlite_master", "master..", "sys.", "v$",
    ]

    /// `'; DROP TABLE ...`, `1; SHUTDOWN`: a dangerous statement stacked right after a value.
    static func stackedAfterValue(_ tokens: [SQLToken], at index: Int) -> Bool {
        switch tokens[index - 1] {
        case .string, .number, .closeParen: break
        default: return false
        }
        guard index + 1 < tokens.count, let keyword = tokens[index + 1].wordText else { return false }
        let object = index + 2 < tokens.count ? tokens[index + 2].wordText ?? "" : ""
        switch keyword {
        case "drop", "truncate", "alter", "create":
            return ["table", "database", "schema", "user", "login", "procedure", "function"].contains(object)
        case "shutdown": return true
        case "exec", "execute": return object.hasPrefix("xp_") || object.hasPrefix("sp_") || object.hasPrefix("master")
        case "declare": return object.hasPrefix("@")
        case "waitfor": return object == "delay"
        case "insert": return object == "into"
        case "delete": return object == "from"
        case "update": return index + 3 < tokens.count && tokens[index + 3].isWord("set")
        default: return false
        }
    }
}
