/// Files and directories that attackers reach for, as lowercased path fragments with `/`
/// separators (callers fold `\` to `/` first).
enum SensitivePaths {
    /// Targets that are suspicious even as a plain absolute path on their own.
    static let strict: [[UInt8]] = [
        "etc/passwd", "etc/shadow", "etc/group", "etc/sudoers", "etc/master.passwd", "proc/self/", "/environ",
        ".ssh/", "id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", "authorized_keys", ".aws/credentials",
        ".kube/config", "serviceaccount/token", ".htpasswd", "boot.ini", "win.ini", "system.ini",
        "system32/config", "windows/repair", ".bash_history", "/root/", "wp-config.php", ".git/config",
        ".docker/config.json", ".netrc", ".pgpass", "web.config", "ntuser.dat", "applicationhost.config",
    ].map(Bytes.of)

    /// Everything in `strict`, plus system configuration and logs that are ordinary to mention but
    /// not to reach by climbing out of a directory.
    static let broad: [[UInt8]] = strict + [
        "etc/", "proc/", "var/log", "var/run", "var/lib", "windows/", "winnt/", "system32", "inetpub",
        ".env", ".htaccess", "php.ini", "my.cnf", "httpd.conf",
        ".npmrc", "known_hosts", "boot/", "usr/local/etc", "web-inf/", "meta-inf/",
    ].map(Bytes.of)

    /// Top-level directories whose appearance right after a `../` run is telling.
    static let systemRoots: Set<String> = [
        "etc", "proc", "sys", "root", "var", "usr", "bin", "sbin", "boot", "dev", "home", "windows", "winnt",
        "system32", "inetpub", "documents and settings",
    ]

    /// `text` with backslashes turned into slashes.
    static func slashed(_ text: some Sequence<UInt8>) -> [UInt8] {
        text.map { $0 == UInt8(ascii: "\\") ? UInt8(ascii: "/") : $0 }
    }

    static let strictSet = BytePatternSet(strict)
    static let broadSet = BytePatternSet(broad)
}
