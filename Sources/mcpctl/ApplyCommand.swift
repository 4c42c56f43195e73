import ArgumentParser
import Foundation
import LocalStore
import OperatorAPI

/// `mcpctl apply -f`: store MCPServer and MCPPolicy objects (validated and defaulted as the CRDs
/// are) and make sure the local controller runs to reconcile them.
struct Apply: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apply MCPServer and MCPPolicy objects from files, folders or standard input.",
        discussion: """
            Every object is validated first; when one is invalid nothing is applied. Each object prints \
            `<kind>.<group>/<name> created|configured|unchanged`, like kubectl. The local controller is \
            started in the background when it does not run yet.
            """)

    @OptionGroup var options: LocalOptions

    @Option(name: [.short, .customLong("filename")], help: ArgumentHelp("A file, a folder or - (standard input); repeatable.", valueName: "path"))
    var filenames: [String] = []

    @Flag(name: [.customShort("R"), .customLong("recursive")], help: "Also read the folders inside the folders given with -f.")
    var recursive = false

    @Flag(name: .customLong("no-controller"), help: "Only record the desired state; do not start the local controller.")
    var noController = false

    func run() async throws {
        let results = try applyManifests(filenames, recursive: recursive, options: options)
        for result in results { print(result.line) }
        if !noController {
            try await ControllerProcess(directory: options.directory).ensureRunning(requireEngine: false)
        }
    }
}

/// Reads and applies manifests in one store transaction; every problem becomes a clear message.
func applyManifests(_ filenames: [String], recursive: Bool, options: LocalOptions) throws -> [ApplyResult] {
    let manifests = try ManifestFiles.read(filenames, recursive: recursive)
    let store = try options.openStore()
    do {
        return try store.apply(manifests, namespace: options.effectiveNamespace, requireNamespace: options.namespace != nil) { done, total in
            options.log(6, "store \(store.path): wrote \(done) of \(total) objects (not yet committed)")
        }
    } catch let error as InvalidManifestError {
        throw CLIError(error.description)
    } catch let error as LocalStoreError {
        throw CLIError(error.description)
    }
}
