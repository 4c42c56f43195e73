import ArgumentParser
import Foundation
import OperatorAPI

/// mcpctl: the command line of mcp-operator.
@main
struct MCPCtl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mcpctl",
        abstract: "The command line of mcp-operator: local mode on Docker, policy tools, CRDs.",
        subcommands: [Apply.self, Get.self, Describe.self, Delete.self, Logs.self, Up.self, Down.self,
                      PolicyCommand.self, CRDs.self, ControllerCommand.self]
    )
}

/// `mcpctl crds`: the CustomResourceDefinitions generated from the Swift types.
struct CRDs: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crds",
        abstract: "CustomResourceDefinitions of MCPServer and MCPPolicy.",
        subcommands: [Generate.self]
    )

    struct Generate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the CRDs as YAML files and their Markdown reference, or print the CRDs with --stdout.")

        @Option(name: .customLong("output-dir"), help: "The folder to write the YAML files to.")
        var outputDirectory: String = "crds"

        @Option(name: .customLong("docs-dir"), help: "The folder to write the Markdown reference to.")
        var docsDirectory: String = "docs/reference"

        @Flag(help: "Print every CRD to standard output instead of writing files.")
        var stdout = false

        func run() async throws {
            if stdout {
                for (_, definition) in CustomResourceDefinitions.all {
                    FileHandle.standardOutput.write(Data(try CustomResourceDefinitions.yaml(definition).utf8))
                }
                return
            }
            try FileManager.default.createDirectory(atPath: outputDirectory, withIntermediateDirectories: true)
            for (fileName, definition) in CustomResourceDefinitions.all {
                let path = (outputDirectory as NSString).appendingPathComponent(fileName)
                try CustomResourceDefinitions.yaml(definition).write(toFile: path, atomically: true, encoding: .utf8)
                print("wrote \(path)")
            }
            try FileManager.default.createDirectory(atPath: docsDirectory, withIntermediateDirectories: true)
            for (fileName, markdown) in ReferenceDocumentation.all {
                let path = (docsDirectory as NSString).appendingPathComponent(fileName)
                try markdown.write(toFile: path, atomically: true, encoding: .utf8)
                print("wrote \(path)")
            }
        }
    }
}

/// A failure reported as one line on standard error with exit status 1.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
