import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NTLM
import SeededRandom
import Testing

@testable import Server

/// An action of `HTTPConnectionStateMachine`, reduced to what a test compares.
private enum Step: Equatable {
    case startRequest(String)
    case writeContinue
    case callEndpoint(body: String, exchange: Int, user: String?)
    case startStreaming(path: String, exchange: Int, continues: Bool)
    case feedStream(String)
    case finishStream(thenRead: Bool)
    case write(status: Int, keepAlive: Bool, slot: String?)
    case releaseSlot(String)
    case read
    case close(slot: String?)
}

/// What the streamed body answers when a chunk is yielded to it.
private enum StreamAnswer {
    case produceMore
    case stopProducing
    case dropped
}

/// Drives the machine as `HTTPConnectionHandler` does: performs each action's follow-up event and asks
/// `nextAction()` after the others, recording every action and the operation slots it takes and gives back.
private struct Driver {
    static let labAuthorization = "Basic bGFidXNlcjpMYWJQYXNzMSE="  // labuser:LabPass1!
    static let maxEnvelopeSize = 64

    var machine: HTTPConnectionStateMachine
    let gate = OperationGate(limit: 2)
    /// The responses written, in order.
    var written: [WSManHTTPResponse] = []
    /// The connection refuses keep-alive (graceful shutdown is draining it).
    var draining = false
    /// What the streamed body answers to the next yields (then `.produceMore`).
    var streamAnswers: [StreamAnswer] = []

    /// - Parameter negotiate: whether Negotiate/NTLM is offered besides Basic.
    init(negotiate: Bool = false) throws {
        let replication = try StreamingRoute(pathPrefix: "/wmilab/replication", endpoint: IgnoringStreamEndpoint())
        let ntlm = NTLMAcceptor.Configuration(
            users: [NTLMUser(name: "labuser", password: "LabPass1!")], computerName: "WMILAB-HV01", domainName: "LAB"
        )
        machine = HTTPConnectionStateMachine(configuration: .init(
            routes: ServerRoutes(wsman: EchoEndpoint(), streaming: [replication]),
            users: [.labDefault],
            negotiate: negotiate ? ntlm : nil,
            limits: ServerLimits(maxEnvelopeSize: Self.maxEnvelopeSize),
            gate: gate,
            isSecure: false,
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        ))
    }

    /// Slots `labuser` holds.
    var slots: Int { gate.inProgress("labuser") }

    mutating func receive(_ part: HTTPServerRequestPart) -> [Step] {
        perform(machine.received(part))
    }

    /// Every part of `parts`; the steps of all of them.
    mutating func receive(_ parts: [HTTPServerRequestPart]) -> [Step] {
        parts.flatMap { receive($0) }
    }

    mutating func respond(_ response: WSManHTTPResponse = .soap(Array("ok".utf8)), exchange: Int) -> [Step] {
        perform(machine.endpointResponded(response, exchange: exchange))
    }

    mutating func readRequested() -> [Step] { perform(machine.readRequested()) }
    mutating func streamDemand(exchange: Int) -> [Step] { perform(machine.streamDemand(exchange: exchange)) }
    mutating func streamTerminated(exchange: Int) -> [Step] { perform(machine.streamTerminated(exchange: exchange)) }
    mutating func connectionClosed() -> [Step] { perform(machine.connectionClosed()) }

    private mutating func perform(_ first: HTTPConnectionStateMachine.Action) -> [Step] {
        var steps: [Step] = []
        var action = first
        while true {
            switch action {
            case .none:
                break
            case .startRequest(let head):
                steps.append(.startRequest(head.uri))
                action = machine.requestStarted(head, remoteAddress: "192.0.2.7:50000")
                continue
            case .writeContinue:
                steps.append(.writeContinue)
            case .callEndpoint(_, let request, let exchange):
                let body = String(decoding: request.body, as: UTF8.self)
                steps.append(.callEndpoint(body: body, exchange: exchange, user: request.user?.name))
            case .startStreaming(_, let info, let exchange, let continueVersion):
                steps.append(.startStreaming(path: info.uri, exchange: exchange, continues: continueVersion != nil))
            case .feedStream(let chunk):
                steps.append(.feedStream(String(buffer: chunk)))
                switch streamAnswers.isEmpty ? .produceMore : streamAnswers.removeFirst() {
                case .produceMore: break
                case .stopProducing: machine.streamBufferFull()
                case .dropped: machine.streamDropped()
                }
            case .finishStream(let thenRead):
                steps.append(.finishStream(thenRead: thenRead))
            case .write(let response, let keepAlive, let slot):
                steps.append(.write(status: response.status, keepAlive: keepAlive, slot: slot))
                written.append(response)
                if let slot { gate.release(slot) }
                action = machine.responseWritten(keepAlive: keepAlive && !draining)
                continue
            case .releaseSlot(let key):
                steps.append(.releaseSlot(key))
                gate.release(key)
            case .read:
                steps.append(.read)
            case .close(let slot):
                steps.append(.close(slot: slot))
                if let slot { gate.release(slot) }
            }
            action = machine.nextAction()
            if case .none = action { return steps }
        }
    }
}

/// The parts of a request: its head (Basic credentials for labuser unless `authorization` says otherwise), then
/// `body` in chunks of `chunkSize` bytes, then its end.
private func request(
    _ body: String = "<s:Envelope/>", method: HTTPMethod = .POST, uri: String = "/wsman",
    authorization: String? = Driver.labAuthorization, declaresLength: Bool = true, chunkSize: Int = .max,
    headers extra: [(String, String)] = []
) -> [HTTPServerRequestPart] {
    var head = HTTPRequestHead(version: .http1_1, method: method, uri: uri)
    if let authorization { head.headers.add(name: "Authorization", value: authorization) }
    head.headers.add(name: "Content-Type", value: "application/soap+xml;charset=UTF-8")
    if declaresLength { head.headers.add(name: "Content-Length", value: String(body.utf8.count)) }
    for (name, value) in extra { head.headers.add(name: name, value: value) }
    let bytes = Array(body.utf8)
    let chunks = stride(from: 0, to: bytes.count, by: chunkSize).map {
        HTTPServerRequestPart.body(ByteBuffer(bytes: bytes[$0..<min($0 + chunkSize, bytes.count)]))
    }
    return [.head(head)] + chunks + [.end(nil)]
}

private func body(_ text: String) -> HTTPServerRequestPart { .body(ByteBuffer(string: text)) }

@Suite("HTTP connection state machine")
struct HTTPConnectionStateMachineTests {
    @Test("a keep-alive request: started, its body gathered, the endpoint called, the answer written, slot returned")
    func keepAliveRequest() throws {
        var driver = try Driver()
        let parts = request("<a/>")
        #expect(driver.receive(parts[0]) == [.startRequest("/wsman")])
        #expect(driver.receive(parts[1]) == [])
        #expect(driver.receive(parts[2]) == [.callEndpoint(body: "<a/>", exchange: 1, user: "labuser")])
        #expect(driver.slots == 1)
        #expect(driver.readRequested() == [.read])
        #expect(driver.respond(exchange: 1) == [.write(status: 200, keepAlive: true, slot: "labuser")])
        #expect(driver.slots == 0)
        #expect(driver.written.map(\.body) == [Array("ok".utf8)])
        // The connection goes on: the next request is a new exchange.
        #expect(driver.receive(request("<b/>")).last == .callEndpoint(body: "<b/>", exchange: 2, user: "labuser"))
    }

    @Test("an answer for another request than the one awaited is ignored")
    func staleResponse() throws {
        var driver = try Driver()
        _ = driver.receive(request("<a/>"))
        #expect(driver.respond(exchange: 7) == [])
        #expect(driver.respond(exchange: 1) == [.write(status: 200, keepAlive: true, slot: "labuser")])
    }

    @Test("a body split any way reaches the endpoint whole", arguments: [1, 2, 3, 7, 16, 63])
    func splitBody(chunkSize: Int) throws {
        var driver = try Driver()
        let envelope = "<s:Envelope><s:Body>0123456789</s:Body></s:Envelope>"
        let parts = request(envelope, declaresLength: chunkSize.isMultiple(of: 2), chunkSize: chunkSize)
        let steps = driver.receive(parts)
        #expect(steps == [.startRequest("/wsman"), .callEndpoint(body: envelope, exchange: 1, user: "labuser")])
    }

    @Test("pipelined requests queue while one is answered and are served in order")
    func pipelinedInOrder() throws {
        var driver = try Driver()
        #expect(driver.receive(request("<1/>")).last == .callEndpoint(body: "<1/>", exchange: 1, user: "labuser"))
        #expect(driver.receive(request("<2/>") + request("<3/>")) == [])
        #expect(driver.respond(exchange: 1) == [
            .write(status: 200, keepAlive: true, slot: "labuser"),
            .startRequest("/wsman"), .callEndpoint(body: "<2/>", exchange: 2, user: "labuser"),
        ])
        // A part arriving while queued parts remain goes behind them.
        #expect(driver.receive(request("<4/>")) == [])
        #expect(driver.respond(exchange: 2) == [
            .write(status: 200, keepAlive: true, slot: "labuser"),
            .startRequest("/wsman"), .callEndpoint(body: "<3/>", exchange: 3, user: "labuser"),
        ])
        #expect(driver.respond(exchange: 3).last == .callEndpoint(body: "<4/>", exchange: 4, user: "labuser"))
        #expect(driver.respond(exchange: 4) == [.write(status: 200, keepAlive: true, slot: "labuser")])
        #expect(driver.slots == 0)
    }

    @Test("requests refused before their body (404) are answered in turn while replaying the queue")
    func pipelinedRefusals() throws {
        var driver = try Driver()
        _ = driver.receive(request("<1/>"))
        _ = driver.receive(request("x", uri: "/nowhere") + request("y", uri: "/other") + request("<2/>"))
        #expect(driver.respond(exchange: 1) == [
            .write(status: 200, keepAlive: true, slot: "labuser"),
            .startRequest("/nowhere"), .write(status: 404, keepAlive: true, slot: nil),
            .startRequest("/other"), .write(status: 404, keepAlive: true, slot: nil),
            .startRequest("/wsman"), .callEndpoint(body: "<2/>", exchange: 4, user: "labuser"),
        ])
    }

    @Test("reading is held back once the queue reaches its limit and resumes when it drains")
    func readsHeldBack() throws {
        var driver = try Driver()
        _ = driver.receive(request("<1/>"))
        let pipelined = (2...6).flatMap { request("<\($0)/>") }
        #expect(pipelined.count == 15)
        _ = driver.receive(pipelined)
        #expect(driver.readRequested() == [.read], "15 queued parts: still below the limit")
        _ = driver.receive(request("<7/>")[0])
        #expect(driver.readRequested() == [], "16 queued parts: reading waits")
        #expect(driver.readRequested() == [])
        // Serving the next request takes three parts off the queue: the withheld read goes out, once.
        #expect(driver.respond(exchange: 1) == [
            .write(status: 200, keepAlive: true, slot: "labuser"),
            .startRequest("/wsman"), .callEndpoint(body: "<2/>", exchange: 2, user: "labuser"), .read,
        ])
        #expect(driver.respond(exchange: 2).last == .callEndpoint(body: "<3/>", exchange: 3, user: "labuser"))
        #expect(driver.readRequested() == [.read])
    }

    @Test("a body over the envelope limit is discarded and answered with the endpoint's EncodingLimit fault",
          arguments: [true, false])
    func envelopeTooLarge(declaresLength: Bool) throws {
        var driver = try Driver()
        let large = String(repeating: "x", count: Driver.maxEnvelopeSize + 1)
        let steps = driver.receive(request(large, declaresLength: declaresLength, chunkSize: 10))
        #expect(steps == [.startRequest("/wsman"), .write(status: 500, keepAlive: true, slot: "labuser")])
        let fault = String(decoding: try #require(driver.written.first).body, as: UTF8.self)
        #expect(fault.contains("w:EncodingLimit"))
        #expect(fault.contains("more than \(Driver.maxEnvelopeSize) bytes"))
        #expect(driver.slots == 0)
        // Exactly at the limit is served.
        let fits = String(repeating: "y", count: Driver.maxEnvelopeSize)
        #expect(driver.receive(request(fits)).last == .callEndpoint(body: fits, exchange: 2, user: "labuser"))
    }

    @Test("a refused request's body is read and discarded, then it is answered and the connection goes on")
    func refusedBodyDiscarded() throws {
        var driver = try Driver()
        let parts = request("0123456789", uri: "/nowhere", chunkSize: 5)
        #expect(driver.receive(Array(parts.dropLast())) == [.startRequest("/nowhere")])
        #expect(driver.receive(try #require(parts.last)) == [.write(status: 404, keepAlive: true, slot: nil)])
        let next = driver.receive(request("<next/>"))
        #expect(next.last == .callEndpoint(body: "<next/>", exchange: 2, user: "labuser"))
    }

    @Test("a refused request whose body passes the envelope limit is answered at once and the connection closed")
    func refusedLargeBody() throws {
        var driver = try Driver()
        let parts = request(String(repeating: "z", count: 100), authorization: nil, chunkSize: 40)
        #expect(driver.receive(Array(parts[0...2])) == [
            .startRequest("/wsman"), .write(status: 401, keepAlive: false, slot: nil),
        ])
        #expect(driver.receive(Array(parts[3...]) + request("<after/>")) == [])
        #expect(driver.readRequested() == [.read])
    }

    @Test("a request without credentials is challenged with Negotiate and Basic, and takes no slot")
    func challenge() throws {
        var driver = try Driver()
        let steps = driver.receive(request(authorization: nil))
        #expect(steps == [.startRequest("/wsman"), .write(status: 401, keepAlive: true, slot: nil)])
        let challenges = driver.written.first?.headers.filter { $0.name == "WWW-Authenticate" }.map(\.value)
        #expect(challenges == ["Negotiate", "Basic realm=\"WSMAN\""])
        let wrong = driver.receive(request(authorization: "Basic bGFidXNlcjpub3Bl"))
        #expect(wrong == [.startRequest("/wsman"), .write(status: 401, keepAlive: true, slot: nil)])
        #expect(driver.slots == 0)
    }

    @Test("method and content type are checked before the body", arguments: [
        (HTTPMethod.GET, "application/soap+xml", 405), (.POST, "text/plain", 415),
    ])
    func refusedHeads(method: HTTPMethod, contentType: String, status: Int) throws {
        var driver = try Driver()
        var parts = request(method: method)
        guard case .head(var head) = parts[0] else { return }
        head.headers.replaceOrAdd(name: "Content-Type", value: contentType)
        parts[0] = .head(head)
        #expect(driver.receive(parts) == [.startRequest("/wsman"), .write(status: status, keepAlive: true, slot: nil)])
    }

    @Test("a user at the operation limit gets the endpoint's QuotaLimit fault")
    func quotaLimit() throws {
        var driver = try Driver()
        _ = driver.receive(request("<1/>"))
        // Two slots per user: a second connection's request holds the other one.
        #expect(driver.gate.tryAcquire("labuser"))
        _ = driver.receive(request("<2/>"))
        #expect(driver.respond(exchange: 1) == [
            .write(status: 200, keepAlive: true, slot: "labuser"),
            .startRequest("/wsman"), .callEndpoint(body: "<2/>", exchange: 2, user: "labuser"),
        ])
        #expect(driver.respond(exchange: 2).first == .write(status: 200, keepAlive: true, slot: "labuser"))
        #expect(driver.gate.tryAcquire("labuser"))
        #expect(driver.receive(request("<3/>")) == [
            .startRequest("/wsman"), .write(status: 500, keepAlive: true, slot: nil),
        ])
        let fault = String(decoding: try #require(driver.written.last).body, as: UTF8.self)
        #expect(fault.contains("w:QuotaLimit"))
    }

    @Test("Negotiate: each leg is decided once its body is read, and the slot is taken for the user it names")
    func negotiateHandshake() throws {
        var driver = try Driver(negotiate: true)
        var initiator = NTLMInitiator(user: "labuser", domain: "LAB", password: "LabPass1!", mode: .spnego)
        let first = "Negotiate " + Data(initiator.negotiate()).base64EncodedString()
        #expect(driver.receive(request("<a/>", authorization: first)) == [
            .startRequest("/wsman"), .write(status: 401, keepAlive: true, slot: nil),
        ])
        let challenge = try #require(driver.written.last?.headers.first { $0.name == "WWW-Authenticate" }?.value)
        let token = try #require(Data(base64Encoded: String(challenge.dropFirst("Negotiate ".count))))
        let last = "Negotiate " + Data(try initiator.respond(to: Array(token))).base64EncodedString()
        let parts = request("<a/>", authorization: last)
        #expect(driver.receive(Array(parts.dropLast())) == [.startRequest("/wsman")])
        #expect(driver.slots == 0, "the user is known once the body is read")
        let end = try #require(parts.last)
        #expect(driver.receive(end) == [.callEndpoint(body: "<a/>", exchange: 2, user: "labuser")])
        #expect(driver.slots == 1)
        #expect(driver.respond(exchange: 2) == [.write(status: 200, keepAlive: true, slot: "labuser")])
        let final = driver.written.last?.headers.first { $0.name == "WWW-Authenticate" }?.value
        #expect(final?.hasPrefix("Negotiate ") == true, "SPNEGO's final token goes with the first answer")
        // The connection is the user's now: a request without credentials is served.
        #expect(driver.receive(request("<b/>", authorization: nil)).last == .callEndpoint(
            body: "<b/>", exchange: 3, user: "labuser"
        ))
    }

    @Test("Negotiate: a body over the envelope limit is answered with the fault and the connection closed")
    func negotiateTooLarge() throws {
        var driver = try Driver(negotiate: true)
        var initiator = NTLMInitiator(user: "labuser", domain: "LAB", password: "LabPass1!", mode: .spnego)
        let first = "Negotiate " + Data(initiator.negotiate()).base64EncodedString()
        let large = String(repeating: "x", count: Driver.maxEnvelopeSize + 1)
        #expect(driver.receive(request(large, authorization: first, chunkSize: 16)) == [
            .startRequest("/wsman"), .write(status: 500, keepAlive: false, slot: nil),
        ])
    }

    @Test("Expect: 100-continue is answered when the request is admitted")
    func expectContinue() throws {
        var driver = try Driver()
        let parts = request("<a/>", headers: [("Expect", "100-continue")])
        #expect(driver.receive(parts[0]) == [.startRequest("/wsman"), .writeContinue])
        #expect(driver.receive(Array(parts[1...])) == [.callEndpoint(body: "<a/>", exchange: 1, user: "labuser")])
        // A refused request gets no interim response.
        let refused = request("<a/>", authorization: nil, headers: [("Expect", "100-continue")])
        _ = driver.respond(exchange: 1)
        #expect(driver.receive(refused[0]) == [.startRequest("/wsman")])
    }

    @Test("a response that arrives after the connection closed gives the slot back")
    func responseAfterClose() throws {
        var driver = try Driver()
        _ = driver.receive(request("<a/>"))
        #expect(driver.connectionClosed() == [], "the endpoint call still holds its slot")
        #expect(driver.slots == 1)
        #expect(driver.respond(exchange: 1) == [.releaseSlot("labuser")])
        #expect(driver.slots == 0)
        #expect(driver.written.isEmpty)
        #expect(driver.receive(request("<b/>")) == [])
    }

    @Test("a connection closed mid-body gives the slot back at once")
    func closedMidBody() throws {
        var driver = try Driver()
        _ = driver.receive(Array(request("<partial/>").dropLast()))
        #expect(driver.slots == 1)
        #expect(driver.connectionClosed() == [.releaseSlot("labuser")])
        #expect(driver.slots == 0)
        #expect(driver.connectionClosed() == [])
    }

    @Test("Connection: close: the answer closes the connection and a pipelined request is not served")
    func connectionClose() throws {
        var driver = try Driver()
        _ = driver.receive(request("<a/>", headers: [("Connection", "close")]))
        _ = driver.receive(request("<b/>"))
        #expect(driver.respond(exchange: 1) == [.write(status: 200, keepAlive: false, slot: "labuser")])
        #expect(driver.receive(request("<c/>")) == [])
        #expect(driver.slots == 0)
    }

    @Test("graceful shutdown: a connection refused keep-alive answers its request and serves no pipelined one")
    func drainingAnswersLastRequest() throws {
        var driver = try Driver()
        _ = driver.receive(request("<first/>"))
        _ = driver.receive(request("<second/>"))
        driver.draining = true
        // The machine still asks for keep-alive; the connection's lifecycle refuses it.
        #expect(driver.respond(exchange: 1) == [.write(status: 200, keepAlive: true, slot: "labuser")])
        #expect(driver.receive(request("<third/>")) == [])
        #expect(driver.written.count == 1)
        #expect(driver.slots == 0)
    }

    @Test("a head inside a request breaks the connection")
    func headInsideRequest() throws {
        var driver = try Driver()
        let parts = request("<a/>")
        _ = driver.receive(parts[0])
        #expect(driver.receive(parts[0]) == [.close(slot: "labuser")])
        #expect(driver.slots == 0)
        #expect(driver.receive(request("<b/>")) == [])
    }

    @Test("streaming: chunks are fed with back-pressure, reading resumes on demand, the answer follows the body")
    func streamingBackPressure() throws {
        var driver = try Driver()
        let parts = request("aabbcc", method: .PUT, uri: "/wmilab/replication/x", chunkSize: 2)
        #expect(driver.receive(parts[0]) == [
            .startRequest("/wmilab/replication/x"),
            .startStreaming(path: "/wmilab/replication/x", exchange: 1, continues: false),
        ])
        #expect(driver.slots == 1)
        #expect(driver.receive(parts[1]) == [.feedStream("aa")])
        #expect(driver.readRequested() == [.read])
        driver.streamAnswers = [.stopProducing]
        #expect(driver.receive(parts[2]) == [.feedStream("bb")])
        #expect(driver.readRequested() == [], "the body's buffer is full")
        #expect(driver.streamDemand(exchange: 0) == [], "demand for another request")
        #expect(driver.streamDemand(exchange: 1) == [.read])
        #expect(driver.receive(parts[3]) == [.feedStream("cc")])
        #expect(driver.receive(parts[4]) == [.finishStream(thenRead: false)])
        #expect(driver.respond(exchange: 1) == [.write(status: 200, keepAlive: true, slot: "labuser")])
        #expect(driver.slots == 0)
    }

    @Test("streaming: an endpoint that answers early has the rest of the body discarded before its answer")
    func streamingEarlyAnswer() throws {
        var driver = try Driver()
        let parts = request("aabbcc", method: .PUT, uri: "/wmilab/replication/x", chunkSize: 2)
        driver.streamAnswers = [.stopProducing]
        _ = driver.receive(Array(parts[0...1]))
        #expect(driver.readRequested() == [])
        #expect(driver.respond(exchange: 1) == [.finishStream(thenRead: true)])
        #expect(driver.receive(Array(parts[2...3])) == [])
        #expect(driver.receive(parts[4]) == [.write(status: 200, keepAlive: true, slot: "labuser")])
    }

    @Test("streaming: a reader that stops reading has the rest discarded", arguments: [false, true])
    func streamingTerminated(byYield: Bool) throws {
        var driver = try Driver()
        let parts = request("aabbcc", method: .PUT, uri: "/wmilab/replication/x", chunkSize: 2)
        _ = driver.receive(Array(parts[0...1]))
        if byYield {
            driver.streamAnswers = [.dropped]
            #expect(driver.receive(parts[2]) == [.feedStream("bb")])
        } else {
            #expect(driver.streamTerminated(exchange: 1) == [.finishStream(thenRead: false)])
            #expect(driver.receive(parts[2]) == [])
        }
        #expect(driver.receive(parts[3]) == [])
        #expect(driver.receive(parts[4]) == [], "nothing left to finish")
        #expect(driver.respond(exchange: 1) == [.write(status: 200, keepAlive: true, slot: "labuser")])
    }

    @Test("streaming: a reader that leaves while the body is paused lets reading resume")
    func streamingTerminatedWhilePaused() throws {
        var driver = try Driver()
        let parts = request("aabb", method: .PUT, uri: "/wmilab/replication/x", chunkSize: 2)
        driver.streamAnswers = [.stopProducing]
        _ = driver.receive(Array(parts[0...1]))
        #expect(driver.readRequested() == [])
        #expect(driver.streamTerminated(exchange: 1) == [.finishStream(thenRead: true)])
        #expect(driver.streamTerminated(exchange: 1) == [], "the body is let go of once")
        #expect(driver.receive(parts[2]) == [])
        #expect(driver.receive(parts[3]) == [])
        #expect(driver.respond(exchange: 1) == [.write(status: 200, keepAlive: true, slot: "labuser")])
    }

    @Test("streaming: Expect: 100-continue is answered as the body starts")
    func streamingContinue() throws {
        var driver = try Driver()
        let parts = request(
            "aa", method: .PUT, uri: "/wmilab/replication/x", headers: [("Expect", "100-continue")]
        )
        #expect(driver.receive(parts[0]).last == .startStreaming(
            path: "/wmilab/replication/x", exchange: 1, continues: true
        ))
    }

    @Test("random pipelines of served and refused requests are answered once each, in order")
    func randomPipelines() throws {
        var random = SplitMix64(state: 0x5EED)
        for _ in 0..<50 {
            var driver = try Driver()
            var expected: [Int] = []
            var parts: [HTTPServerRequestPart] = []
            for index in 0..<Int.random(in: 1...8, using: &random) {
                let refused = Bool.random(using: &random)
                let text = "<\(index)/>"
                let chunk = Int.random(in: 1...5, using: &random)
                parts += request(text, uri: refused ? "/nowhere" : "/wsman", chunkSize: chunk)
                expected.append(refused ? 404 : 200)
            }
            var steps: [Step] = []
            var cut = 0
            while cut < parts.count {
                let next = min(parts.count, cut + Int.random(in: 1...6, using: &random))
                steps += driver.receive(Array(parts[cut..<next]))
                cut = next
                // Answer whatever the endpoint was asked so far.
                while case .some(.callEndpoint(_, let exchange, _)) = steps.last {
                    steps += driver.respond(.soap([]), exchange: exchange)
                }
            }
            let statuses = steps.compactMap { step -> Int? in
                if case .write(let status, _, _) = step { return status }
                return nil
            }
            #expect(statuses == expected)
            #expect(driver.slots == 0)
        }
    }
}
