import CIM
import Testing

@testable import WSManService

@Suite("Resolution cache")
struct ResolutionCacheTests {
    private struct Key: Hashable {
        var resourceURI: String
        var cimNamespace: String?
    }

    private static let uri =
        "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/virtualization/v2/Msvm_ReplicationService"

    @Test("a resolution is found under its URI and selector, not under another selector")
    func keyedByURIAndSelector() throws {
        let cache = ResolutionCache<Key, (CIMNamespace, String)>()
        let namespace = try #require(CIMNamespace("root/virtualization/v2"))
        let key = Key(resourceURI: Self.uri, cimNamespace: nil)
        #expect(cache[key] == nil)
        cache.insert((namespace, "Msvm_ReplicationService"), for: key)
        #expect(cache[key]?.0 == namespace)
        #expect(cache[key]?.1 == "Msvm_ReplicationService")
        #expect(cache[Key(resourceURI: Self.uri, cimNamespace: "root/cimv2")] == nil)
    }

    @Test("at capacity it starts over, so distinct URIs cost bounded memory")
    func bounded() throws {
        let cache = ResolutionCache<Key, String>(capacity: 3)
        let keys = (0..<4).map { Key(resourceURI: "\(Self.uri)\($0)", cimNamespace: nil) }
        for key in keys { cache.insert("C", for: key) }
        #expect(keys.filter { cache[$0] != nil } == [keys[3]])
    }
}
