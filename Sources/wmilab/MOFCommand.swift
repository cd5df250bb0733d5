import ArgumentParser

/// `wmilab mof …`: work with MOF files.
struct MOFCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "mof", abstract: "Compile and check MOF files.")
}
