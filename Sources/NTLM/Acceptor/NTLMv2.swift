/// The NTLMv2 computations of MS-NLMP 3.3.2 that the acceptor repeats to check a client's proof.
enum NTLMv2 {
    /// NT hash: MD4 of the UTF-16LE password.
    static func ntHash(password: String) -> [UInt8] { MD4.hash(NTLMMessage.utf16LittleEndian(password)) }

    /// NTOWFv2 (= ResponseKeyNT): HMAC-MD5 keyed by the NT hash over UNICODE(Uppercase(user) + domain).
    static func responseKey(ntHash: [UInt8], user: String, domain: String) -> [UInt8] {
        MD5.hmac(key: ntHash, NTLMMessage.utf16LittleEndian(user.uppercased() + domain))
    }

    /// NTProofStr: HMAC-MD5 keyed by ResponseKeyNT over ServerChallenge + the client's blob.
    static func ntProofStr(responseKey: [UInt8], serverChallenge: [UInt8], blob: [UInt8]) -> [UInt8] {
        MD5.hmac(key: responseKey, serverChallenge, blob)
    }

    /// SessionBaseKey, which is also KXKEY for NTLMv2.
    static func sessionBaseKey(responseKey: [UInt8], ntProofStr: [UInt8]) -> [UInt8] {
        MD5.hmac(key: responseKey, ntProofStr)
    }

    /// ExportedSessionKey: the client's random key (RC4-encrypted with KXKEY) when key exchange was negotiated,
    /// KXKEY itself otherwise.
    static func exportedSessionKey(
        keyExchangeKey: [UInt8], encryptedRandomSessionKey: [UInt8], flags: NTLMNegotiateFlags
    ) throws -> [UInt8] {
        guard flags.contains(.keyExchange) else { return keyExchangeKey }
        guard encryptedRandomSessionKey.count == 16 else {
            throw NTLMError.malformedToken.detail(
                "EncryptedRandomSessionKey of \(encryptedRandomSessionKey.count) bytes")
        }
        return RC4.encrypt(key: keyExchangeKey, encryptedRandomSessionKey)
    }

    /// MIC over the three handshake messages, keyed by the exported session key.
    static func mic(exportedSessionKey: [UInt8], negotiate: [UInt8], challenge: [UInt8], authenticate: [UInt8])
        -> [UInt8]
    {
        MD5.hmac(key: exportedSessionKey, negotiate, challenge, authenticate)
    }
}
