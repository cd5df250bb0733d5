import ArgumentParser
import CIM
import Foundation
import HyperVReplica
import LabControl
import Logging
import MOF
import PeerTransport
import Providers
import Server
import ServiceLifecycle
import WMILabMOF
import WSManService

/// `wmilab serve`: one emulated Windows host on WS-Management.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Serve the lab as a Windows-shaped WS-Management endpoint.")

    @Option(help: "Address to listen on for HTTP.")
    var listen = "127.0.0.1:5985"

    @Option(
        name: .customLong("https-listen"), help: "Address to listen on for HTTPS (needs --tls-certificate/--tls-key).")
    var httpsListen: String?

    @Option(name: .customLong("tls-certificate"), help: "PEM certificate chain for HTTPS.")
    var tlsCertificate: String?

    @Option(name: .customLong("tls-key"), help: "PEM private key for HTTPS.")
    var tlsKey: String?

    @Option(help: "Data directory: instances, jobs and disks live here and survive restarts.")
    var data = "./wmilab-data"

    @Option(name: .customLong("host-name"), help: "The host's NetBIOS-style name.")
    var hostName = "WMILAB-HV01"

    @Option(name: .customLong("user"), help: "A user as NAME:PASSWORD (repeatable; default labuser:LabPass1!).")
    var users: [String] = []

    @Option(name: .customLong("lab"), help: "Extra lab MOF file with instance declarations (repeatable).")
    var labs: [String] = []

    @Flag(name: .customLong("no-default-lab"), help: "Do not load the embedded default lab.")
    var noDefaultLab = false

    @Option(name: .customLong("peer"), help: "Where a replication peer's host name resolves, HOSTNAME=ADDR:PORT.")
    var peers: [String] = []

    @Option(name: .customLong("time-scale"), help: "Lab seconds per wall-clock second.")
    var timeScale: Double = 1

    @Option(name: .customLong("replication-secret"),
            help: "Secret shared by every host of the lab, authenticating replication traffic (AuthenticationType 1).")
    var replicationSecret = PeerEndpoint.defaultSecret

    @Option(name: .customLong("replication-certificate"),
            help: "PEM client certificate this host presents to peers for AuthenticationType 2.")
    var replicationCertificate: String?

    @Option(name: .customLong("replication-key"), help: "PEM private key of --replication-certificate.")
    var replicationKey: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: Logger.Level = .notice

    func validate() throws {
        guard timeScale > 0 else { throw ValidationError("--time-scale must be positive") }
        do {
            _ = try PeerDirectory(parsing: peers)
        } catch {
            throw ValidationError("--peer: \(error)")
        }
        if (replicationCertificate == nil) != (replicationKey == nil) {
            throw ValidationError("--replication-certificate and --replication-key go together")
        }
    }

    func run() async throws {
        var logger = Logger(label: "wmilab")
        logger.logLevel = logLevel

        let serverUsers = try users.isEmpty ? [ServerUser.labDefault] : users.map { try ServerUser(parsing: $0) }
        let address = try ListenAddress(parsing: listen)
        if !Self.isLoopback(address.host) && users.isEmpty {
            throw ValidationError("binding \(listen), which is not a loopback address, requires an explicit --user")
        }

        let schema = try Self.compile([WMILabMOF.schema], base: nil, what: "schema")
        let directory = URL(fileURLWithPath: data, isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let database = try LabDatabase(directory: directory)
        let store = try InstanceStore(database: database, schema: schema)

        var labFiles = noDefaultLab ? [] : [WMILabMOF.defaultLab]
        labFiles += labs.map { URL(fileURLWithPath: $0) }
        if !labFiles.isEmpty {
            let lab = try Self.compile(labFiles, base: schema, what: "lab")
            let instances = lab.namespaces.flatMap { namespace in
                lab.instances(in: namespace).map { (namespace: namespace, instance: $0) }
            }
            try LabLoader(hostName: hostName).seed(instances, into: store, database: database)
        }

        let clock = ScaledLabClock(timeScale: timeScale)
        let jobs = try JobQueue(store: store, clock: clock, logger: logger)
        let disks = try LabDiskCatalog(directory: directory.appendingPathComponent("disks"), store: store)
        let diskFaults = LabDiskWriteFaults(store: store)
        let peerClient = PeerClient(
            hostName: hostName, secret: replicationSecret, directory: try PeerDirectory(parsing: peers),
            tls: replicationCertificate.flatMap { certificate in
                replicationKey.map { PeerClientTLS(certificatePath: certificate, privateKeyPath: $0) }
            },
            linkCheck: LabPeerLinkFaults(store: store, timeScale: timeScale).linkCheck, logger: logger)
        let engine = try ReplicationEngine(
            hostName: hostName, store: store, database: database, schema: schema, disks: disks,
            diskFaults: diskFaults, jobs: jobs, peers: peerClient, clock: clock, logger: logger)
        await engine.start()

        let v2 = ReplicationServiceProvider.namespace
        var registry = ProviderRegistry()
        registry.register(LabDiskProvider(catalog: disks, faults: diskFaults), forClass: "WMILab_VirtualDisk",
                          in: LabDiskCatalog.namespace)
        registry.register(ReplicationServiceProvider(store: store, engine: engine), forClass: "Msvm_ReplicationService",
                          in: v2)
        registry.register(ComputerSystemProvider(engine: engine), forClass: "Msvm_ComputerSystem", in: v2)
        registry.register(VirtualSystemManagementServiceProvider(engine: engine),
                          forClass: "Msvm_VirtualSystemManagementService", in: v2)
        registry.register(LabClockProvider(clock: clock), forClass: "WMILab_Clock", in: LabDiskCatalog.namespace)
        let jobProvider = JobProvider(
            queue: jobs, errorClass: "Msvm_Error", owningEntity: "Microsoft-Windows-Hyper-V-VMMS")
        registry.register(jobProvider, forClass: "Msvm_ConcreteJob", in: v2)
        registry.register(jobProvider, forClass: "Msvm_AffectedJobElement", in: v2)
        let objectManager = ObjectManager(
            schema: schema, registry: registry, store: store, logger: logger,
            interceptor: LabFaultInjector(store: store, timeScale: timeScale))

        let dispatcher = WSManDispatcher(
            objectManager: objectManager, configuration: WSManServiceConfiguration(hostName: hostName),
            mofInstanceParser: { text, namespace in
                try MOFCompiler.parseInstance(text, in: namespace, schema: schema)
            }, logger: logger)

        var configuration = ServerConfiguration(listen: address, users: serverUsers)
        configuration.hostName = hostName
        if let httpsListen {
            configuration.httpsListen = try ListenAddress(parsing: httpsListen)
            guard let tlsCertificate, let tlsKey else {
                throw ValidationError("--https-listen needs --tls-certificate and --tls-key")
            }
            var tls = ServerTLSConfiguration(certificatePath: tlsCertificate, privateKeyPath: tlsKey)
            // Peers authenticating with certificates (AuthenticationType 2) present one; WS-Man clients need not.
            tls.requestsClientCertificate = true
            configuration.tls = tls
        }
        let replicationRoute = try StreamingRoute(
            pathPrefix: PeerEndpoint.pathPrefix,
            endpoint: PeerEndpoint(hostName: hostName, secret: replicationSecret, handler: engine, logger: logger),
            authenticatesItself: true)
        let server = try WSManHTTPServer(
            configuration: configuration, endpoint: dispatcher, streamingRoutes: [replicationRoute], logger: logger)
        let group = ServiceGroup(
            configuration: .init(services: [server], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        async let running: Void = group.run()
        let bound = try await server.boundAddresses()
        // One line at start: where to connect and as whom (the password only when it is the documented default).
        let credentials = users.isEmpty ? "labuser / LabPass1!" : serverUsers.map(\.name).joined(separator: ", ")
        var started = Logger(label: "wmilab")
        started.logLevel = .info
        started.notice(
            "serving", metadata: [
                "url": "http://\(bound.http.map(\.description) ?? listen)/wsman", "credentials": "\(credentials)",
                "host": "\(hostName)", "data": "\(directory.path)",
            ])
        do {
            try await running
        } catch {
            try? await peerClient.shutdown()
            throw error
        }
        try await peerClient.shutdown()
    }

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    /// Compiles MOF files, printing diagnostics; any error stops the server from starting.
    static func compile(_ files: [URL], base: SchemaRepository?, what: String) throws -> SchemaRepository {
        let compilation = MOFCompiler(MOFCompiler.Options(base: base)).compile(files: files)
        for diagnostic in compilation.diagnostics where diagnostic.severity == .error {
            FileHandle.standardError.write(Data("\(diagnostic)\n".utf8))
        }
        guard compilation.succeeded else {
            throw ValidationError("the \(what) MOF has \(compilation.errors.count) error(s)")
        }
        return compilation.repository
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
