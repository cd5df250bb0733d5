import CIM
import Foundation

/// The mutable state of one compilation: the builder, diagnostics, aliases, current namespace.
struct MOFCompilerState {
    var builder: SchemaRepository.Builder
    var diagnostics: [MOFDiagnostic] = []
    var namespace: CIMNamespace
    var aliases: [String: CIMObjectPath] = [:]
    var classLocations: [String: MOFSourceLocation] = [:]
    var lastInstance: CIMInstance?
    var includeDepth = 0

    init(options: MOFCompiler.Options) {
        builder = options.base.map(SchemaRepository.Builder.init(base:)) ?? SchemaRepository.Builder()
        namespace = options.defaultNamespace
        builder.addNamespace(namespace)
    }

    mutating func error(_ message: String, _ at: MOFSourceLocation) {
        diagnostics.append(MOFDiagnostic(.error, message, at: at))
    }

    mutating func warning(_ message: String, _ at: MOFSourceLocation) {
        diagnostics.append(MOFDiagnostic(.warning, message, at: at))
    }

    mutating func compileFile(_ path: String, includedFrom: MOFSourceLocation?) {
        guard includeDepth < 32 else {
            let at = includedFrom ?? MOFSourceLocation(file: path, line: 1, column: 1)
            error("includes nested too deeply at '\(path)'", at)
            return
        }
        guard let bytes = MOFSourceFile.contents(atPath: path) else {
            error("cannot read '\(path)'", includedFrom ?? MOFSourceLocation(file: path, line: 1, column: 1))
            return
        }
        includeDepth += 1
        compileSource(bytes, file: path)
        includeDepth -= 1
    }

    mutating func compileSource(_ bytes: [UInt8], file: String) {
        var parser = MOFParser(lexer: MOFLexer(bytes: bytes, file: file))
        parser.run(&self)
    }

    mutating func finish() -> MOFCompilation {
        let (repo, issues) = builder.build()
        for issue in issues {
            let loc = classLocations[issue.namespace.key + ":" + issue.className.lowercased()]
                ?? MOFSourceLocation(file: "<schema>", line: 1, column: 1)
            error(issue.message, loc)
        }
        return MOFCompilation(repository: repo, diagnostics: diagnostics)
    }
}
