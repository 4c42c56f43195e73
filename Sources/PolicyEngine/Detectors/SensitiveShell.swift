/// The command knowledge behind `CommandInjectionDetector`.
enum SensitiveShell {
    enum Risk { case high, low, conditional }
    enum Assessment { case high, low }

    static let commands: [String: Risk] = {
        var table: [String: Risk] = [:]
        for name in [
            "whoami", "id", "uname", "ifconfig", "ipconfig", "netstat", "nc", "ncat", "netcat", "socat", "telnet",
            "nslookup", "dig", "ping", "sleep", "certutil", "bitsadmin", "mshta", "rundll32", "regsvr32", "wmic",
            "systeminfo", "tasklist", "taskkill", "schtasks", "crontab", "mkfifo", "mknod", "useradd", "usermod",
            "passwd", "reboot", "shutdown", "halt", "poweroff", "busybox", "xterm", "powershell", "pwsh", "hostname",
            "nohup", "tftp", "getent", "lsb_release", "nmap",
        ] { table[name] = .high }
        for name in [
            "python", "python2", "python3", "perl", "ruby", "php", "node", "lua", "bash", "sh", "zsh", "ksh", "dash",
            "csh", "tcsh", "ash", "curl", "wget", "fetch", "cat", "tac", "nl", "head", "tail", "more", "less", "type",
            "strings", "od", "xxd", "base64", "cp", "scp", "echo", "printf", "cmd", "net", "reg", "chmod", "chown",
            "rm", "kill", "pkill", "killall", "grep", "awk", "sed", "find", "systemctl", "service", "iptables",
            "ufw", "setenforce",
        ] { table[name] = .conditional }
        for name in [
            "ls", "dir", "pwd", "cd", "touch", "mkdir", "mv", "ps", "who", "w", "last", "date", "df", "du", "free",
            "uptime", "env", "printenv", "set", "export", "sudo", "su", "exec", "eval", "whereis", "which", "locate",
            "ver", "vol", "net.exe", "arp", "route", "lsof", "history", "sort", "wc", "true", "false", "exit",
        ] { table[name] = .low }
        return table
    }()

    /// Commands whose danger is in a subcommand word rather than in shell-shaped arguments.
    static let subcommandDecides: Set<String> = ["net", "reg", "echo", "printf", "systemctl", "service", "iptables", "ufw", "setenforce"]

    /// Commands that run the command after them.
    static let wrappers: Set<String> = ["busybox", "timeout", "nohup", "sudo", "env", "xargs", "exec", "nice", "stdbuf", "time", "command"]

    /// How dangerous `command` is with these arguments.
    static func assess(_ command: String, risk: Risk, arguments: [UInt8], afterPipe: Bool) -> Assessment {
        switch risk {
        case .high: return .high
        case .low: return .low
        case .conditional: break
        }
        let padded = [UInt8(ascii: " ")] + arguments
        func has(_ text: String) -> Bool { padded.containsBytes(Bytes.of(text)) }
        switch command {
        case "python", "python2", "python3", "perl", "ruby", "php", "node", "lua":
            return has(" -c") || has(" -e") || has(" -r") ? .high : .low
        case "bash", "sh", "zsh", "ksh", "dash", "csh", "tcsh", "ash":
            let bare = arguments.allSatisfy(Bytes.isSpace)
            return bare || afterPipe || has(" -c") || has(" -i") || has(" -s") || has("/dev/tcp") ? .high : .low
        case "curl", "wget", "fetch":
            return has(" -o") || has(" -O") || has("--output") || has(" -d @") || has("--data @") || has("--upload-file")
                || has("-post-file") || has("$(") || hostIsAddress(arguments) ? .high : .low
        case "echo", "printf":
            return has(">") || has("| sh") || has("|sh") || has("| bash") ? .high : .low
        case "cmd": return has("/c") || has("/k") || arguments.allSatisfy(Bytes.isSpace) ? .high : .low
        case "net": return has(" user") || has(" localgroup") || has(" share") || has(" view") ? .high : .low
        case "reg": return has(" query") || has(" add") || has(" save") || has(" delete") ? .high : .low
        case "chmod": return has("+x") || has("777") || has("+s") || has("4755") ? .high : .low
        case "rm": return has(" -rf") || has(" -fr") || has(" -r /") || has(" -f /") ? .high : .low
        case "kill", "pkill", "killall": return has(" -9") ? .high : .low
        case "systemctl", "service":
            return ["firewall", "apparmor", "auditd", "selinux", "falco", "sshd"].contains(where: has)
                && (has(" stop") || has(" disable") || has(" mask")) ? .high : .low
        case "iptables", "ufw", "setenforce": return has(" -f") || has("disable") || has(" 0") ? .high : .low
        case "awk", "sed", "find": return has("system(") || has(" -exec ") || has("/e") ? .high : .low
        default:
            let slashed = SensitivePaths.slashed(arguments)
            return SensitivePaths.broadSet.occurs(in: slashed) ? .high : .low
        }
    }

    /// A URL whose host is an IP address: a typical download-and-run target.
    static func hostIsAddress(_ arguments: [UInt8]) -> Bool {
        for start in arguments.occurrences(of: Bytes.of("://")) {
            var end = start + 3
            while end < arguments.count, Bytes.isDigit(arguments[end]) || arguments[end] == UInt8(ascii: ".") { end += 1 }
            let host = arguments[(start + 3)..<end]
            if host.filter({ $0 == UInt8(ascii: ".") }).count == 3 { return true }
        }
        return false
    }

    static let strongPatterns: [[UInt8]] = [
        "/dev/tcp/", "/dev/udp/", "bash -i", "sh -i >", "nc -e ", "nc -c ", "ncat -e", "-e /bin/sh", "-e /bin/bash",
        "-e cmd.exe", "mkfifo /tmp/", "0<&196", ">& /dev/", ">&/dev/", "exec 196<>", "powershell -e ", "powershell -enc",
        "powershell.exe -e", "-encodedcommand", "iex(", "iex (", "invoke-expression", "downloadstring(",
        "new-object net.webclient", "net.sockets.tcpclient", "certutil -urlcache", "certutil.exe -urlcache",
        "bitsadmin /transfer", "${ifs}", "$ifs$9", "pty.spawn(", "fsockopen(", "/bin/sh -i", "/bin/bash -i",
        "rm /tmp/f;", "nc.traditional", "2>&1|nc", "|nc ", "| nc ",
    ].map(Bytes.of)

    static let strongPatternSet = BytePatternSet(strongPatterns)

    static func strongPattern(_ text: [UInt8]) -> Bool {
        strongPatternSet.occurs(in: text)
    }

    /// Undoes shell obfuscation: `${IFS}` and `$IFS` become spaces; `$@`, empty quotes, and
    /// quotes and backslashes between letters disappear (`w'h'o'am'i`, `who""ami` and `c\at` fold).
    static func normalize(_ text: [UInt8]) -> [UInt8] {
        guard text.contains(where: { $0 == UInt8(ascii: "$") || $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "'") || $0 == UInt8(ascii: "\"") })
        else { return text }
        var output: [UInt8] = []
        output.reserveCapacity(text.count)
        var index = 0
        while index < text.count {
            if text.has(Bytes.of("${ifs}"), at: index) { output.append(0x20); index += 6; continue }
            if text.has(Bytes.of("$ifs"), at: index) { output.append(0x20); index += 4; continue }
            if text.has(Bytes.of("$@"), at: index) || text.has(Bytes.of("''"), at: index) || text.has(Bytes.of("\"\""), at: index) {
                index += 2
                continue
            }
            let quoteOrBackslash = text[index] == UInt8(ascii: "\\") || text[index] == UInt8(ascii: "'") || text[index] == UInt8(ascii: "\"")
            if quoteOrBackslash, index > 0, index + 1 < text.count, Bytes.isLetter(text[index - 1]),
                Bytes.isLetter(text[index + 1])
            {
                index += 1
                continue
            }
            output.append(text[index])
            index += 1
        }
        return output
    }
}
