/// NEGOTIATE flags of MS-NLMP 2.2.2.5, named as in the specification.
public struct NTLMNegotiateFlags: OptionSet, Hashable, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let unicode = NTLMNegotiateFlags(rawValue: 0x0000_0001)
    public static let oem = NTLMNegotiateFlags(rawValue: 0x0000_0002)
    public static let requestTarget = NTLMNegotiateFlags(rawValue: 0x0000_0004)
    public static let sign = NTLMNegotiateFlags(rawValue: 0x0000_0010)
    public static let seal = NTLMNegotiateFlags(rawValue: 0x0000_0020)
    public static let datagram = NTLMNegotiateFlags(rawValue: 0x0000_0040)
    public static let lmKey = NTLMNegotiateFlags(rawValue: 0x0000_0080)
    public static let ntlm = NTLMNegotiateFlags(rawValue: 0x0000_0200)
    public static let anonymous = NTLMNegotiateFlags(rawValue: 0x0000_0800)
    public static let oemDomainSupplied = NTLMNegotiateFlags(rawValue: 0x0000_1000)
    public static let oemWorkstationSupplied = NTLMNegotiateFlags(rawValue: 0x0000_2000)
    public static let alwaysSign = NTLMNegotiateFlags(rawValue: 0x0000_8000)
    public static let targetTypeDomain = NTLMNegotiateFlags(rawValue: 0x0001_0000)
    public static let targetTypeServer = NTLMNegotiateFlags(rawValue: 0x0002_0000)
    public static let extendedSessionSecurity = NTLMNegotiateFlags(rawValue: 0x0008_0000)
    public static let identify = NTLMNegotiateFlags(rawValue: 0x0010_0000)
    public static let requestNonNTSessionKey = NTLMNegotiateFlags(rawValue: 0x0040_0000)
    public static let targetInfo = NTLMNegotiateFlags(rawValue: 0x0080_0000)
    public static let version = NTLMNegotiateFlags(rawValue: 0x0200_0000)
    public static let key128 = NTLMNegotiateFlags(rawValue: 0x2000_0000)
    public static let keyExchange = NTLMNegotiateFlags(rawValue: 0x4000_0000)
    public static let key56 = NTLMNegotiateFlags(rawValue: 0x8000_0000)

    /// Flags the acceptor echoes when the client asks for them; the rest of its answer is fixed.
    static let echoed: NTLMNegotiateFlags = [
        .requestTarget, .sign, .seal, .alwaysSign, .extendedSessionSecurity, .version, .key128, .keyExchange, .key56,
    ]
}
