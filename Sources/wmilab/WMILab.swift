import ArgumentParser

/// The `wmilab` command: a WS-Management endpoint that behaves like the WMI replication
/// providers of a Windows Server host.
@main
struct WMILab: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wmilab",
        abstract: "A Windows-shaped WS-Management/WMI replication endpoint for labs.",
        subcommands: [ServeCommand.self, MOFCommand.self, DiskCommand.self]
    )
}
