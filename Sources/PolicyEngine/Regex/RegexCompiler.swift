/// One step of a compiled pattern.
enum RegexInstruction: Sendable, Hashable {
    /// Consume this scalar.
    case scalar(UInt32)
    /// Consume a scalar in `program.sets[index]`.
    case set(Int)
    /// Try both targets, the first with higher priority.
    case split(Int, Int)
    case jump(Int)
    /// Record the current position in capture slot `n` (group n/2; even = start, odd = end).
    case save(Int)
    case assert(RegexAssertion)
    case match
}

/// A compiled pattern: instructions for the Pike VM, and the sets they refer to.
struct RegexProgram: Sendable {
    var instructions: [RegexInstruction] = []
    var sets: [ScalarSet] = []
    /// Groups including the whole match (group 0).
    var groupCount = 1
    /// Whether every match must start at the beginning of the text.
    var anchoredAtStart = false
}

/// Turns a parsed pattern into a Thompson-style program, expanding counted repetition.
struct RegexCompiler {
    static let maximumInstructions = 20_000
    /// The most nodes compiled, counting every copy a repetition makes: repeating what emits
    /// nothing (`(?:){1000}` nested) grows no program but would take forever to expand.
    static let maximumSteps = 200_000

    var program = RegexProgram()
    let pattern: String
    private var steps = 0

    /// Compiles `node` wrapped as group 0: `save 0, node, save 1, match`.
    static func compile(_ node: RegexNode, groupCount: Int, pattern: String) throws(RegexSyntaxError) -> RegexProgram {
        var compiler = RegexCompiler(pattern: pattern)
        compiler.program.groupCount = groupCount + 1
        compiler.emit(.save(0))
        try compiler.compile(node)
        compiler.emit(.save(1))
        compiler.emit(.match)
        if case .concatenation(let items) = node, case .assertion(.startOfText) = items.first {
            compiler.program.anchoredAtStart = true
        } else if case .assertion(.startOfText) = node {
            compiler.program.anchoredAtStart = true
        }
        return compiler.program
    }

    private init(pattern: String) { self.pattern = pattern }

    @discardableResult
    private mutating func emit(_ instruction: RegexInstruction) -> Int {
        program.instructions.append(instruction)
        return program.instructions.count - 1
    }

    private var next: Int { program.instructions.count }

    private mutating func compile(_ node: RegexNode) throws(RegexSyntaxError) {
        steps += 1
        guard program.instructions.count <= Self.maximumInstructions, steps <= Self.maximumSteps else {
            throw RegexSyntaxError(.patternTooLarge, pattern: pattern, position: 0)
        }
        switch node {
        case .empty:
            break
        case .scalar(let value):
            emit(.scalar(value))
        case .set(let set):
            if let index = program.sets.firstIndex(of: set) {
                emit(.set(index))
            } else {
                program.sets.append(set)
                emit(.set(program.sets.count - 1))
            }
        case .assertion(let assertion):
            emit(.assert(assertion))
        case .group(let inner, let capture):
            if let capture { emit(.save(capture * 2)) }
            try compile(inner)
            if let capture { emit(.save(capture * 2 + 1)) }
        case .concatenation(let items):
            for item in items { try compile(item) }
        case .alternation(let branches):
            // split L1, next; L1: branch; jump end; ... last branch falls through to end.
            var jumps: [Int] = []
            for (index, branch) in branches.enumerated() {
                if index < branches.count - 1 {
                    let split = emit(.split(0, 0))
                    try compile(branch)
                    jumps.append(emit(.jump(0)))
                    program.instructions[split] = .split(split + 1, next)
                } else {
                    try compile(branch)
                }
            }
            for jump in jumps { program.instructions[jump] = .jump(next) }
        case .repetition(let inner, let min, let max, let greedy):
            try compileRepetition(inner, min: min, max: max, greedy: greedy)
        }
    }

    private mutating func compileRepetition(_ inner: RegexNode, min: Int, max: Int?, greedy: Bool)
        throws(RegexSyntaxError)
    {
        for _ in 0..<min { try compile(inner) }
        if let max {
            // Each optional copy may be skipped to the end: x{0,2} is `(?:x(?:x)?)?`.
            var skips: [Int] = []
            for _ in min..<max {
                skips.append(emit(.split(0, 0)))
                try compile(inner)
            }
            for skip in skips {
                program.instructions[skip] = greedy ? .split(skip + 1, next) : .split(next, skip + 1)
            }
        } else {
            // Unbounded: after the mandatory copies, a loop over one optional copy.
            let loop = emit(.split(0, 0))
            try compile(inner)
            emit(.jump(loop))
            program.instructions[loop] = greedy ? .split(loop + 1, next) : .split(next, loop + 1)
        }
        guard program.instructions.count <= Self.maximumInstructions else {
            throw RegexSyntaxError(.patternTooLarge, pattern: pattern, position: 0)
        }
    }
}
