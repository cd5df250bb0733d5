import ArgumentParser
import CIM
import Foundation
import MOF

/// `wmilab mof …`: work with MOF files.
struct MOFCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mof", abstract: "Compile and check MOF files.", subcommands: [Check.self])

    /// `wmilab mof check FILE...`: compile, print a summary, exit 1 on any error.
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check", abstract: "Compile MOF files, print a summary and the diagnostics.")

        @Argument(help: "MOF files to compile, in order.")
        var files: [String]

        func run() async throws {
            // On the main thread, whose malloc arena grows in large steps; a worker thread's arena grows a
            // page or so at a time, which for the DMTF schema was 5,500 mprotect calls.
            let urls = files.map { URL(fileURLWithPath: $0) }
            let result = await MainActor.run { MOFCompiler().compile(files: urls) }
            var stderr = ""
            for d in result.diagnostics { stderr += d.description + "\n" }
            FileHandle.standardError.write(Data(stderr.utf8))
            let repo = result.repository
            let namespaces = repo.namespaces.filter {
                !repo.classes(in: $0).isEmpty || !repo.instances(in: $0).isEmpty
                    || !repo.qualifierDeclarations(in: $0).isEmpty
            }
            print(
                "\(repo.classCount) classes, \(repo.instanceCount) instances, "
                    + "\(repo.qualifierDeclarationCount) qualifier types in \(namespaces.count) namespaces")
            if !result.succeeded { throw ExitCode(1) }
        }
    }
}
