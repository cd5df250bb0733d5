import CIM
import Testing
import WSMan

@testable import WSManService

@Suite("Rendered instance memo")
struct RenderedInstanceMemoTests {
    private static let namespace: CIMNamespace = "root/virtualization/v2"

    /// Encodes like the dispatcher does, counting how often it is asked to.
    private final class CountingRenderer: @unchecked Sendable {
        var calls = 0
        func render(_ instance: CIMInstance) -> WSManInstance {
            calls += 1
            let namespace = RenderedInstanceMemoTests.namespace
            return WSManInstance(className: instance.className, properties: instance.properties.map {
                WSManProperty(name: $0.name, value: $0.value?.wsmanValue(namespace: namespace) ?? .null)
            })
        }
    }

    private static func service(state: UInt16, name: String = "replicasvc") -> CIMInstance {
        CIMInstance(className: "Msvm_ReplicationService", values: [
            "Name": .string(name), "EnabledState": .uint16(state), "Caption": .string("Hyper-V <Replica> & co"),
        ])
    }

    @Test("an unchanged instance reuses its encoding, byte for byte what encoding it anew gives")
    func reusesUnchanged() {
        let memo = RenderedInstanceMemo()
        let renderer = CountingRenderer()
        let encoder = WSManResponseEncoder(style: .windows)
        let first = memo.encoded(Self.service(state: 2), in: Self.namespace, encoder: encoder, encode: renderer.render)
        let second = memo.encoded(Self.service(state: 2), in: Self.namespace, encoder: encoder, encode: renderer.render)
        #expect(renderer.calls == 1)
        #expect(second == first)
        #expect(first == encoder.encode(renderer.render(Self.service(state: 2))))
        #expect(String(decoding: first.bytes, as: UTF8.self).contains("Hyper-V &lt;Replica&gt; &amp; co"))
    }

    @Test("a changed property is encoded anew: the memo never answers with a stale value")
    func changedIsEncodedAnew() {
        let memo = RenderedInstanceMemo()
        let renderer = CountingRenderer()
        let encoder = WSManResponseEncoder(style: .windows)
        _ = memo.encoded(Self.service(state: 2), in: Self.namespace, encoder: encoder, encode: renderer.render)
        let changed = memo.encoded(Self.service(state: 3), in: Self.namespace, encoder: encoder, encode: renderer.render)
        #expect(renderer.calls == 2)
        #expect(String(decoding: changed.bytes, as: UTF8.self).contains("<p:EnabledState>3</p:EnabledState>"))
    }

    @Test("each prefix style has its own encoding")
    func keyedByStyle() {
        let memo = RenderedInstanceMemo()
        let renderer = CountingRenderer()
        let windows = memo.encoded(Self.service(state: 2), in: Self.namespace,
                                   encoder: WSManResponseEncoder(style: .windows), encode: renderer.render)
        let wsl = memo.encoded(Self.service(state: 2), in: Self.namespace,
                               encoder: WSManResponseEncoder(style: .wsl), encode: renderer.render)
        #expect(renderer.calls == 2)
        #expect(windows.style == WSManResponseEncoder.PrefixStyle.windows)
        #expect(wsl.style == WSManResponseEncoder.PrefixStyle.wsl)
    }

    @Test("instances of one class share a bounded list; classes a bounded table")
    func bounded() {
        let memo = RenderedInstanceMemo(classes: 2, perClass: 3)
        let renderer = CountingRenderer()
        let encoder = WSManResponseEncoder()
        for index in 0..<5 {
            _ = memo.encoded(Self.service(state: 2, name: "svc\(index)"), in: Self.namespace, encoder: encoder,
                             encode: renderer.render)
        }
        #expect(memo.count == 3)
        for className in ["A", "B", "C"] {
            _ = memo.encoded(CIMInstance(className: className), in: Self.namespace, encoder: encoder,
                             encode: renderer.render)
        }
        // A and the service's three filled the table; B started it over, C joined B.
        #expect(memo.count == 2)
    }

    @Test("an encoding over the size limit is returned but not kept")
    func largeNotKept() {
        let memo = RenderedInstanceMemo(maxEntryBytes: 64)
        let renderer = CountingRenderer()
        let encoded = memo.encoded(Self.service(state: 2), in: Self.namespace, encoder: WSManResponseEncoder(),
                                   encode: renderer.render)
        #expect(encoded.bytes.count > 64)
        #expect(memo.count == 0)
    }
}
