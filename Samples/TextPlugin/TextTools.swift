import SampleMCP

/// The text tools of `mcp-sample-text`: pure functions of their input.
enum TextTools {
    /// The longest text a tool accepts, in characters.
    static let maxLength = 100_000

    static let all: [Tool] = [
        transform("upper", "Return the text in capital letters.") { $0.uppercased() },
        transform("lower", "Return the text in small letters.") { $0.lowercased() },
        transform("reverse", "Return the text with its characters in reverse order.") { String($0.reversed()) },
        transform("slugify", "Turn the text into a URL slug: lowercase letters and digits joined by single hyphens.", slugify),
        Tool(name: "word_count", description: "Count the words (runs of non-whitespace characters) in the text.",
             parameters: [text], annotations: readOnly) { arguments in
            let count = wordCount(arguments.string("text"))
            return ToolResult(text: String(count), structuredContent: ["words": .int(Int64(count))])
        },
    ]

    private static let text = ToolParameter("text", .string, "The text to work on.", maxLength: maxLength)
    private static let readOnly: [String: JSON] = ["readOnlyHint": true, "idempotentHint": true, "openWorldHint": false]

    private static func transform(_ name: String, _ description: String,
                                  _ function: @escaping @Sendable (String) -> String) -> Tool {
        Tool(name: name, description: description, parameters: [text], annotations: readOnly) { arguments in
            ToolResult(text: function(arguments.string("text")))
        }
    }

    /// The number of whitespace-separated words.
    static func wordCount(_ text: String) -> Int {
        text.split(whereSeparator: \.isWhitespace).count
    }

    /// Lowercase letters and digits, every other run of characters one hyphen, none at either end.
    static func slugify(_ text: String) -> String {
        var slug = ""
        var pendingHyphen = false
        for character in text.lowercased() {
            if character.isLetter || character.isNumber {
                if pendingHyphen, !slug.isEmpty { slug.append("-") }
                pendingHyphen = false
                slug.append(character)
            } else {
                pendingHyphen = true
            }
        }
        return slug
    }
}
