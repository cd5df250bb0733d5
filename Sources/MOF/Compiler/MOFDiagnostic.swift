import CIM

/// A compiler message: `file:line:column: error: message`.
public struct MOFDiagnostic: Hashable, Sendable, CustomStringConvertible {
    public enum Severity: String, Hashable, Sendable { case error, warning }

    public var severity: Severity
    public var message: String
    public var location: MOFSourceLocation

    public init(_ severity: Severity, _ message: String, at location: MOFSourceLocation) {
        self.severity = severity
        self.message = message
        self.location = location
    }

    public var description: String { "\(location): \(severity.rawValue): \(message)" }
}

/// The result of a compilation.
public struct MOFCompilation: Sendable {
    /// Everything compiled, resolved.
    public var repository: SchemaRepository
    /// Errors and warnings in source order per file.
    public var diagnostics: [MOFDiagnostic]
    /// True when there is no error.
    public var succeeded: Bool { !diagnostics.contains { $0.severity == .error } }
    /// The errors only.
    public var errors: [MOFDiagnostic] { diagnostics.filter { $0.severity == .error } }
}
