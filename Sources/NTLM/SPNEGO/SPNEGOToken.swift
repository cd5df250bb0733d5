/// The SPNEGO tokens of RFC 4178 a client sends and the acceptor answers with (MS-SPNG).
enum SPNEGOToken {
    /// OID 1.3.6.1.5.5.2 (SPNEGO), DER content bytes.
    static let spnegoOID: [UInt8] = [0x2b, 0x06, 0x01, 0x05, 0x05, 0x02]
    /// OID 1.3.6.1.4.1.311.2.2.10 (NTLMSSP), DER content bytes.
    static let ntlmOID: [UInt8] = [0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x02, 0x0a]

    /// OID 1.2.840.113554.1.2.2 (Kerberos 5) and 1.2.840.48018.1.2.2 (its Microsoft alias), DER content bytes.
    static let kerberosOID: [UInt8] = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02]
    static let microsoftKerberosOID: [UInt8] = [0x2a, 0x86, 0x48, 0x82, 0xf7, 0x12, 0x01, 0x02, 0x02]

    /// Largest SPNEGO token accepted; real ones are a few hundred bytes.
    static let maximumLength = 32 * 1024

    /// NegTokenInit: the client's opening token.
    struct Init {
        /// The mechTypes SEQUENCE exactly as received; the mechListMIC is computed over these bytes.
        var mechTypesEncoded: [UInt8]
        /// The mechanism OIDs (content bytes), most preferred first.
        var mechTypes: [[UInt8]]
        var mechToken: [UInt8]?
        var mechListMIC: [UInt8]?
    }

    /// NegTokenResp: every later token in either direction.
    struct Response {
        enum State: UInt8 {
            case acceptCompleted = 0, acceptIncomplete = 1, reject = 2, requestMIC = 3
        }
        var state: State?
        var supportedMech: [UInt8]?
        var responseToken: [UInt8]?
        var mechListMIC: [UInt8]?

        var encoded: [UInt8] {
            var fields: [UInt8] = []
            if let state {
                fields += DER.encode(tag: DER.context(0), DER.encode(tag: DER.enumerated, [state.rawValue]))
            }
            if let supportedMech {
                fields += DER.encode(tag: DER.context(1), DER.encode(tag: DER.objectIdentifier, supportedMech))
            }
            if let responseToken {
                fields += DER.encode(tag: DER.context(2), DER.encode(tag: DER.octetString, responseToken))
            }
            if let mechListMIC {
                fields += DER.encode(tag: DER.context(3), DER.encode(tag: DER.octetString, mechListMIC))
            }
            return DER.encode(tag: DER.context(1), DER.encode(tag: DER.sequence, fields))
        }
    }

    enum Parsed {
        case initial(Init)
        case response(Response)
    }

    static func isSPNEGO(_ token: [UInt8]) -> Bool {
        guard let first = token.first else { return false }
        return first == DER.application0 || first == DER.context(1)
    }

    static func parse(_ token: [UInt8]) throws -> Parsed {
        guard token.count <= maximumLength else {
            throw DER.Reader.error("token of \(token.count) bytes")
        }
        var outer = DER.Reader(token[...])
        let element = try outer.next()
        guard outer.isAtEnd else { throw DER.Reader.error("bytes after the token") }
        switch element.tag {
        case DER.application0:
            var reader = DER.Reader(element.content)
            let oid = try reader.next(tag: DER.objectIdentifier)
            guard oid.content.elementsEqual(spnegoOID) else {
                // A bare GSS-API Kerberos token (RFC 4121), as GSS-Negotiate clients such as openwsman send.
                if oid.content.elementsEqual(kerberosOID) || oid.content.elementsEqual(microsoftKerberosOID) {
                    throw NTLMError.unsupported.detail("Kerberos token")
                }
                throw DER.Reader.error("not the SPNEGO OID")
            }
            let choice = try reader.next(tag: DER.context(0))
            return .initial(try parseInit(choice.content))
        case DER.context(1):
            return .response(try parseResponse(element.content))
        default:
            throw DER.Reader.error("not a NegotiationToken")
        }
    }

    private static func parseInit(_ bytes: ArraySlice<UInt8>) throws -> Init {
        var outer = DER.Reader(bytes)
        var fields = DER.Reader(try outer.next(tag: DER.sequence).content)
        var result = Init(mechTypesEncoded: [], mechTypes: [])
        var sawMechTypes = false
        var lastTag: UInt8 = 0
        while !fields.isAtEnd {
            let field = try fields.next()
            guard field.tag > lastTag else { throw DER.Reader.error("NegTokenInit fields out of order") }
            lastTag = field.tag
            var inner = DER.Reader(field.content)
            switch field.tag {
            case DER.context(0):
                let list = try inner.next(tag: DER.sequence)
                result.mechTypesEncoded = Array(list.encoded)
                var oids = DER.Reader(list.content)
                while !oids.isAtEnd {
                    guard result.mechTypes.count < 32 else { throw DER.Reader.error("too many mechTypes") }
                    result.mechTypes.append(Array(try oids.next(tag: DER.objectIdentifier).content))
                }
                sawMechTypes = true
            case DER.context(1):
                break  // reqFlags: ignored, as by Windows
            case DER.context(2):
                result.mechToken = Array(try inner.next(tag: DER.octetString).content)
            case DER.context(3), DER.context(4):
                // [3] mechListMIC of NegTokenInit; [4] of NegTokenInit2. A [3] in NegTokenInit2 is the hints
                // SEQUENCE, which a client never sends.
                if let mic = try? inner.next(tag: DER.octetString) { result.mechListMIC = Array(mic.content) }
            default:
                throw DER.Reader.error("unknown NegTokenInit field 0x\(String(field.tag, radix: 16))")
            }
        }
        guard sawMechTypes, !result.mechTypes.isEmpty else { throw DER.Reader.error("NegTokenInit without mechTypes") }
        return result
    }

    private static func parseResponse(_ bytes: ArraySlice<UInt8>) throws -> Response {
        var outer = DER.Reader(bytes)
        var fields = DER.Reader(try outer.next(tag: DER.sequence).content)
        var result = Response()
        var lastTag: UInt8 = 0
        while !fields.isAtEnd {
            let field = try fields.next()
            guard field.tag > lastTag else { throw DER.Reader.error("NegTokenResp fields out of order") }
            lastTag = field.tag
            var inner = DER.Reader(field.content)
            switch field.tag {
            case DER.context(0):
                let value = try inner.next(tag: DER.enumerated).content
                guard value.count == 1, let state = Response.State(rawValue: value[value.startIndex]) else {
                    throw DER.Reader.error("bad negState")
                }
                result.state = state
            case DER.context(1):
                result.supportedMech = Array(try inner.next(tag: DER.objectIdentifier).content)
            case DER.context(2):
                result.responseToken = Array(try inner.next(tag: DER.octetString).content)
            case DER.context(3):
                result.mechListMIC = Array(try inner.next(tag: DER.octetString).content)
            default:
                throw DER.Reader.error("unknown NegTokenResp field 0x\(String(field.tag, radix: 16))")
            }
        }
        return result
    }
}
