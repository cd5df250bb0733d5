import Foundation
import Testing
import WSMan

@testable import WSManService

@Suite struct EnumerationContextsTests {
    final class Clock: @unchecked Sendable {
        private let lock = NSLock()
        private var current = Date(timeIntervalSince1970: 1_000_000)
        func now() -> Date { lock.withLock { current } }
        func advance(_ seconds: TimeInterval) { lock.withLock { current += seconds } }
    }

    static func items(_ count: Int) -> [EnumerationItem] {
        (0..<count).map { .epr(EndpointReference(resourceURI: "urn:item:\($0)", selectors: [])) }
    }

    static func names(_ items: [EnumerationItem]) -> [String] {
        items.map { if case .epr(let epr) = $0 { return epr.resourceURI } else { return "?" } }
    }

    @Test func optimizedEnumerationThatFitsEndsAtOnce() async {
        let contexts = EnumerationContexts(idleExpiry: 240)
        let page = await contexts.open(Self.items(3), owner: "labuser", firstPage: 5)
        #expect(page.context == nil)
        #expect(Self.names(page.items) == ["urn:item:0", "urn:item:1", "urn:item:2"])
        #expect(await contexts.count == 0)
    }

    @Test func pullsHandOutTheRestInOrderAndEndTheSequence() async throws {
        let contexts = EnumerationContexts(idleExpiry: 240)
        let first = await contexts.open(Self.items(5), owner: nil, firstPage: 2)
        let context = try #require(first.context)
        let second = try #require(await contexts.pull(context, maxElements: 2))
        #expect(Self.names(second.items) == ["urn:item:2", "urn:item:3"])
        #expect(second.context == context)
        let last = try #require(await contexts.pull(context, maxElements: 10))
        #expect(Self.names(last.items) == ["urn:item:4"])
        #expect(last.context == nil)
        #expect(await contexts.pull(context, maxElements: 1) == nil)
    }

    @Test func nonOptimizedEnumerationAlwaysGetsAContext() async throws {
        let contexts = EnumerationContexts(idleExpiry: 240)
        let page = await contexts.open([], owner: nil, firstPage: 0)
        let context = try #require(page.context)
        let pull = try #require(await contexts.pull(context, maxElements: 1))
        #expect(pull.items.isEmpty && pull.context == nil)
    }

    @Test func releaseForgetsAndUnknownContextsAreRefused() async throws {
        let contexts = EnumerationContexts(idleExpiry: 240)
        let context = try #require(await contexts.open(Self.items(4), owner: nil, firstPage: 0).context)
        #expect(await contexts.release(context))
        #expect(await contexts.release(context) == false)
        #expect(await contexts.pull(context, maxElements: 1) == nil)
    }

    @Test func idleContextsExpireButUsedOnesLive() async throws {
        let clock = Clock()
        let contexts = EnumerationContexts(idleExpiry: 240, now: { clock.now() })
        let idle = try #require(await contexts.open(Self.items(4), owner: nil, firstPage: 0).context)
        let busy = try #require(await contexts.open(Self.items(4), owner: nil, firstPage: 0).context)
        clock.advance(200)
        _ = await contexts.pull(busy, maxElements: 1)
        clock.advance(100)
        #expect(await contexts.pull(idle, maxElements: 1) == nil)
        #expect(await contexts.pull(busy, maxElements: 1) != nil)
    }
}
