import COpenSSL

/// SHA-1, SHA-256 and HMAC-SHA256 over libcrypto's EVP interface.
enum Digest {
    /// SHA-256 of `bytes`.
    static func sha256(_ bytes: [UInt8]) -> [UInt8] {
        let hasher = IncrementalSHA256()
        hasher.update(bytes)
        return hasher.finalize()
    }

    /// SHA-1 of `bytes` (certificate thumbprints only: Windows names certificates by it).
    static func sha1(_ bytes: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 20)
        var length: UInt32 = 0
        bytes.withUnsafeBytes { input in
            out.withUnsafeMutableBufferPointer { output in
                _ = EVP_Digest(input.baseAddress, input.count, output.baseAddress, &length, EVP_sha1(), nil)
            }
        }
        return out
    }

    /// HMAC-SHA256 (RFC 2104) of `message` under `key`.
    static func hmacSHA256(key: [UInt8], message: [UInt8]) -> [UInt8] {
        let blockSize = 64
        var block = key.count > blockSize ? sha256(key) : key
        block += [UInt8](repeating: 0, count: blockSize - block.count)
        let inner = IncrementalSHA256()
        inner.update(block.map { $0 ^ 0x36 })
        inner.update(message)
        let outer = IncrementalSHA256()
        outer.update(block.map { $0 ^ 0x5C })
        outer.update(inner.finalize())
        return outer.finalize()
    }

    /// Compares two byte strings in time that depends on their lengths only.
    static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
        return difference == 0
    }

    /// Upper-case hexadecimal, as Windows shows thumbprints.
    static func upperHex(_ bytes: [UInt8]) -> String {
        hex(bytes, digits: Array("0123456789ABCDEF".utf8))
    }

    /// Lower-case hexadecimal.
    static func lowerHex(_ bytes: [UInt8]) -> String {
        hex(bytes, digits: Array("0123456789abcdef".utf8))
    }

    private static func hex(_ bytes: [UInt8], digits: [UInt8]) -> String {
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}

/// Incremental SHA-256, for digests of streamed bodies.
final class IncrementalSHA256 {
    private let context: OpaquePointer?

    init() {
        context = EVP_MD_CTX_new()
        EVP_DigestInit_ex(context, EVP_sha256(), nil)
    }

    deinit { EVP_MD_CTX_free(context) }

    func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress, buffer.count > 0 else { return }
            EVP_DigestUpdate(context, base, buffer.count)
        }
    }

    /// The digest; the hasher must not be used afterwards.
    func finalize() -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        out.withUnsafeMutableBufferPointer { _ = EVP_DigestFinal_ex(context, $0.baseAddress, &length) }
        return out
    }
}
