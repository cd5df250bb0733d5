import Testing

@testable import PeerTransport

@Suite("PeerDirectory")
struct PeerDirectoryTests {
    @Test("Good entries parse", arguments: [
        ("WMILAB-HV02=127.0.0.1:5985", PeerAddress(host: "127.0.0.1", port: 5985, useTLS: false)),
        ("WMILAB-HV02=http://10.0.0.2:8080", PeerAddress(host: "10.0.0.2", port: 8080, useTLS: false)),
        ("WMILAB-HV02=https://10.0.0.2:5986", PeerAddress(host: "10.0.0.2", port: 5986, useTLS: true)),
        ("WMILAB-HV02=HTTPS://hv02.lab.local:5986/", PeerAddress(host: "hv02.lab.local", port: 5986, useTLS: true)),
        ("WMILAB-HV02=[::1]:5985", PeerAddress(host: "::1", port: 5985, useTLS: false)),
        ("WMILAB-HV02=https://[fe80::1]:443", PeerAddress(host: "fe80::1", port: 443, useTLS: true)),
        (" WMILAB-HV02 = 127.0.0.1:1 ", PeerAddress(host: "127.0.0.1", port: 1, useTLS: false)),
    ])
    func goodEntries(entry: String, address: PeerAddress) throws {
        let directory = try PeerDirectory(parsing: [entry])
        #expect(directory.address(of: "WMILAB-HV02") == address)
    }

    @Test("Bad entries are refused with a clear error", arguments: [
        "WMILAB-HV02", "=127.0.0.1:5985", "WMILAB-HV02=", "WMILAB-HV02=127.0.0.1", "WMILAB-HV02=127.0.0.1:0",
        "WMILAB-HV02=127.0.0.1:65536", "WMILAB-HV02=127.0.0.1:http", "WMILAB-HV02=::1:5985",
        "WMILAB-HV02=[::1]5985", "WMILAB HV02=127.0.0.1:5985", "WMILAB-HV02=ftp://127.0.0.1:21",
        "WMILAB-HV02=:5985",
    ])
    func badEntries(entry: String) {
        #expect(throws: PeerDirectoryError.self) { try PeerDirectory(parsing: [entry]) }
        do {
            _ = try PeerDirectory(parsing: [entry])
        } catch {
            #expect(error.description.contains(entry))
            #expect(error.description.contains("HOSTNAME=ADDR:PORT"))
        }
    }

    @Test("A host name given twice is refused, whatever its case")
    func duplicate() {
        #expect(throws: PeerDirectoryError.self) {
            try PeerDirectory(parsing: ["WMILAB-HV02=127.0.0.1:1", "wmilab-hv02=127.0.0.1:2"])
        }
    }

    @Test("Lookups ignore case and match a FQDN by its first label", arguments: [
        ("WMILAB-HV02", 2), ("wmilab-hv02", 2), ("WMILAB-HV02.lab.local", 2), ("wmilab-hv03.other.example", 3),
        ("hv04.lab.local", 4), ("HV04", 4), ("hv04.elsewhere", 4), ("WMILAB-HV05", nil), ("WMILAB", nil),
        ("10.0.0.1", nil), ("", nil),
    ] as [(String, Int?)])
    func lookups(name: String, port: Int?) throws {
        let directory = try PeerDirectory(parsing: [
            "WMILAB-HV02=127.0.0.1:2", "WMILAB-HV03=127.0.0.1:3", "hv04.lab.local=127.0.0.1:4",
            "10.0.0.9=127.0.0.1:9",
        ])
        #expect(directory.address(of: name)?.port == port)
    }

    @Test("An IP address matches only itself")
    func ipAddresses() throws {
        let directory = try PeerDirectory(parsing: ["10.0.0.9=127.0.0.1:9"])
        #expect(directory.address(of: "10.0.0.9")?.port == 9)
        #expect(directory.address(of: "10.0.0.1") == nil)
        #expect(!PeerDirectory.namesMatch("10.0.0.9", "10.0.0.1"))
    }

    @Test("Base URLs bracket IPv6 addresses")
    func baseURL() {
        #expect(PeerAddress(host: "::1", port: 5985, useTLS: false).baseURL == "http://[::1]:5985")
        #expect(PeerAddress(host: "10.0.0.2", port: 5986, useTLS: true).baseURL == "https://10.0.0.2:5986")
    }
}

@Suite("PeerBody without HTTP")
struct PeerBodyTests {
    @Test("A body made of chunks yields them in order, without empty ones, once")
    func chunks() async throws {
        let body = PeerBody(chunks: [[1, 2], [], [3], [4, 5, 6]])
        var seen: [[UInt8]] = []
        for try await chunk in body { seen.append(chunk) }
        #expect(seen == [[1, 2], [3], [4, 5, 6]])
        var empty = PeerBody().makeAsyncIterator()
        #expect(try await empty.next() == nil)
    }
}
