import CIM
import Foundation

/// Compiles MOF (DSP0221 plus the Microsoft dialect) into a ``SchemaRepository``.
public struct MOFCompiler: Sendable {
    /// Compiler settings.
    public struct Options: Sendable {
        /// The namespace used until a `#pragma namespace`.
        public var defaultNamespace: CIMNamespace
        /// Classes already known (e.g. the DMTF schema) that compiled MOF may build on.
        public var base: SchemaRepository?

        public init(defaultNamespace: CIMNamespace = .rootCIMV2, base: SchemaRepository? = nil) {
            self.defaultNamespace = defaultNamespace
            self.base = base
        }
    }

    public var options: Options

    public init(_ options: Options = Options()) { self.options = options }

    /// Compiles `files` (and what they `#pragma include`) in order.
    public func compile(files: [URL]) -> MOFCompilation {
        var state = MOFCompilerState(options: options)
        for url in files { state.compileFile(url.path, includedFrom: nil) }
        return state.finish()
    }

    /// Compiles MOF text; `fileName` names it in diagnostics and anchors relative includes.
    public func compile(source: String, fileName: String = "<input>") -> MOFCompilation {
        var state = MOFCompilerState(options: options)
        state.compileSource(Array(source.utf8), file: fileName)
        return state.finish()
    }

    /// Parses a single `instance of X { … };` against `schema` (WS-Man clients may send MOF text).
    public static func parseInstance(
        _ text: String, in namespace: CIMNamespace, schema: SchemaRepository
    ) throws -> CIMInstance {
        var state = MOFCompilerState(options: Options(defaultNamespace: namespace, base: schema))
        state.compileSource(Array(text.utf8), file: "<instance>")
        if let first = state.diagnostics.first(where: { $0.severity == .error }) {
            throw MOFSyntaxError(first.message, at: first.location)
        }
        guard let instance = state.lastInstance else {
            let start = MOFSourceLocation(file: "<instance>", line: 1, column: 1)
            throw MOFSyntaxError("expected 'instance of'", at: start)
        }
        return instance
    }
}
