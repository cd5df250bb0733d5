import Foundation

/// What a client process printed and how it ended.
public struct ClientProcessResult: Sendable, Hashable {
    /// The exit status (-1 when it was killed for running too long).
    public var exitCode: Int32
    /// Standard output.
    public var stdout: String
    /// Standard error.
    public var stderr: String
    /// Whether it was killed at the timeout.
    public var timedOut: Bool
}

/// Launches real WS-Man clients (Python scripts on pypsrp/pywinrm, `wsl`, `curl`) against a test
/// server and captures their output.
public enum ClientProcess {
    /// Runs `executable` (a path, or a name looked up in `PATH`) with `arguments`, extra `environment`,
    /// optional standard input, in `directory` (a fresh temporary one by default); kills it after
    /// `timeout`.
    public static func run(
        _ executable: String,
        arguments: [String] = [],
        environment: [String: String] = [:],
        standardInput: String? = nil,
        directory: URL? = nil,
        timeout: Duration = .seconds(60)
    ) async throws -> ClientProcessResult {
        guard let path = executable.contains("/") ? executable : which(executable) else {
            throw ClientProcessError.notFound(executable)
        }
        let workDirectory = try directory ?? makeTemporaryDirectory()
        let stdoutURL = workDirectory.appendingPathComponent(".client-stdout")
        let stderrURL = workDirectory.appendingPathComponent(".client-stderr")
        // A file that could not be created makes the FileHandle below throw.
        _ = FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        let stdoutHandle = try FileHandle(forWritingTo: stdoutURL)
        let stderrHandle = try FileHandle(forWritingTo: stderrURL)
        defer {
            try? stdoutHandle.close()
            try? stderrHandle.close()
        }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.currentDirectoryURL = workDirectory
        var merged = ProcessInfo.processInfo.environment
        merged["HOME"] = workDirectory.path
        for (key, value) in environment { merged[key] = value }
        process.environment = merged
        process.standardOutput = stdoutHandle
        process.standardError = stderrHandle
        let input = Pipe()
        process.standardInput = input
        try process.run()
        if let standardInput { input.fileHandleForWriting.write(Data(standardInput.utf8)) }
        try? input.fileHandleForWriting.close()

        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        var timedOut = false
        while process.isRunning {
            if clock.now >= deadline {
                process.terminate()
                timedOut = true
                break
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        process.waitUntilExit()
        return ClientProcessResult(
            exitCode: timedOut ? -1 : process.terminationStatus,
            stdout: (try? String(contentsOf: stdoutURL, encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "",
            timedOut: timedOut
        )
    }

    /// Runs a Python 3 script (given as text, read from standard input) with `arguments` in `sys.argv[1:]`.
    public static func python(
        _ script: String,
        arguments: [String] = [],
        environment: [String: String] = [:],
        timeout: Duration = .seconds(60)
    ) async throws -> ClientProcessResult {
        try await run(
            "python3",
            arguments: ["-"] + arguments,
            environment: environment,
            standardInput: script,
            timeout: timeout
        )
    }

    /// Runs `wsl` (Dell's WS-Man shell client) against `host:port` over plain HTTP with Basic.
    public static func wsl(
        _ arguments: [String],
        host: String = "127.0.0.1",
        port: Int,
        user: String = "labuser",
        password: String = "LabPass1!",
        timeout: Duration = .seconds(60)
    ) async throws -> ClientProcessResult {
        try await run(
            "wsl",
            arguments: arguments,
            environment: [
                "WSENDPOINT": "\(host):\(port)", "WSNOSSL": "true", "WSUSER": user, "WSPASS": password,
                "KEEPHISTORY": "0", "OUTLEVEL": "1",
            ],
            timeout: timeout
        )
    }

    /// Whether `executable` is on `PATH`.
    public static func isAvailable(_ executable: String) -> Bool {
        which(executable) != nil
    }

    /// Whether `python3` can import `module` (e.g. `pypsrp`, `winrm`).
    public static func pythonHasModule(_ module: String) -> Bool {
        guard let python = which("python3") else { return false }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", "import \(module)"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }

    private static func which(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    private static func makeTemporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("wmilab-client-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// Failures launching a client.
public enum ClientProcessError: Error, Equatable {
    /// The executable is not installed.
    case notFound(String)
}
