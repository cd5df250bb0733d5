import COpenSSL

/// MD5 and HMAC-MD5 through libcrypto's EVP interface (both are in OpenSSL 3's default provider).
enum MD5 {
    static func hash(_ parts: [UInt8]...) -> [UInt8] { hash(parts: parts) }

    static func hash(parts: [[UInt8]]) -> [UInt8] {
        // EVP_MD_CTX_new only fails when out of memory, which Swift treats as fatal anyway.
        guard let context = EVP_MD_CTX_new() else { fatalError("EVP_MD_CTX_new: out of memory") }
        defer { EVP_MD_CTX_free(context) }
        EVP_DigestInit_ex(context, EVP_md5(), nil)
        for part in parts {
            part.withUnsafeBytes { _ = EVP_DigestUpdate(context, $0.baseAddress, $0.count) }
        }
        var digest = [UInt8](repeating: 0, count: 16)
        var length: UInt32 = 0
        digest.withUnsafeMutableBufferPointer { _ = EVP_DigestFinal_ex(context, $0.baseAddress, &length) }
        return digest
    }

    /// HMAC-MD5 (RFC 2104) over the concatenation of `parts`.
    static func hmac(key: [UInt8], _ parts: [UInt8]...) -> [UInt8] { hmac(key: key, parts: parts) }

    static func hmac(key: [UInt8], parts: [[UInt8]]) -> [UInt8] {
        let blockSize = 64
        var block = key.count > blockSize ? hash(key) : key
        block += [UInt8](repeating: 0, count: blockSize - block.count)
        let inner = hash(parts: [block.map { $0 ^ 0x36 }] + parts)
        return hash(block.map { $0 ^ 0x5c }, inner)
    }
}
