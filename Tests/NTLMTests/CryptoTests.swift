import Testing

@testable import NTLM

func hex(_ string: String) -> [UInt8] {
    let digits = Array(string.filter(\.isHexDigit))
    return stride(from: 0, to: digits.count - 1, by: 2).compactMap { UInt8(String(digits[$0...$0 + 1]), radix: 16) }
}

func hexString(_ bytes: [UInt8]) -> String {
    bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
}

@Suite struct CryptoTests {
    // RFC 1320 appendix A.5.
    @Test(arguments: [
        ("", "31d6cfe0d16ae931b73c59d7e0c089c0"),
        ("a", "bde52cb31de33e46245e05fbdbd6fb24"),
        ("abc", "a448017aaf21d8525fc10ae87aa6729d"),
        ("message digest", "d9130a8164549fe818874806e1c7014b"),
        ("abcdefghijklmnopqrstuvwxyz", "d79e1c308aa5bbcdeea8ed63df412da9"),
        ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "043f8582f241db351ce627e153e7f0e4"),
        (String(repeating: "1234567890", count: 8), "e33b4ddc9c38f2199c3e7b164fcc0536"),
    ])
    func md4(input: String, digest: String) {
        #expect(hexString(MD4.hash(Array(input.utf8))) == digest)
    }

    @Test func md4BlockBoundaries() {
        // Lengths around the 56-byte padding boundary must all produce distinct 16-byte digests.
        let digests = (50..<70).map { MD4.hash([UInt8](repeating: 0x61, count: $0)) }
        #expect(Set(digests.map(hexString)).count == digests.count)
        #expect(digests.allSatisfy { $0.count == 16 })
    }

    @Test func ntHashOfLabPassword() {
        // The NT hash is MD4 of the UTF-16LE password; "password" is a widely published value.
        #expect(hexString(NTLMv2.ntHash(password: "password")) == "8846f7eaee8fb117ad06bdd830b7586c")
    }

    // RFC 6229 section 2: key stream at the given offsets.
    @Test(arguments: [
        ("0102030405", 0, "b2396305f03dc027ccc3524a0a1118a8"),
        ("0102030405", 16, "6982944f18fc82d589c403a47a0d0919"),
        ("0102030405", 240, "28cb1132c96ce286421dcaadb8b69eae"),
        ("0102030405", 256, "1cfcf62b03eddb641d77dfcf7f8d8c93"),
        ("0102030405060708090a0b0c0d0e0f10", 0, "9ac7cc9a609d1ef7b2932899cde41b97"),
        ("0102030405060708090a0b0c0d0e0f10", 16, "5248c4959014126a6e8a84f11d1a9e1c"),
    ])
    func rc4KeyStream(key: String, offset: Int, expected: String) {
        var cipher = RC4(key: hex(key))
        _ = cipher.process([UInt8](repeating: 0, count: offset))
        #expect(hexString(cipher.process([UInt8](repeating: 0, count: 16))) == expected)
    }

    @Test func rc4StreamContinuesAcrossCalls() {
        let key = hex("0102030405060708090a0b0c0d0e0f10")
        let message = Array("a message split over several calls to the same cipher".utf8)
        var split = RC4(key: key)
        let pieces =
            split.process(Array(message[..<7])) + split.process(Array(message[7..<30]))
            + split.process(Array(message[30...]))
        #expect(pieces == RC4.encrypt(key: key, message))
        #expect(RC4.encrypt(key: key, RC4.encrypt(key: key, message)) == message)
    }

    // RFC 2202 section 2.
    @Test(arguments: [
        ([UInt8](repeating: 0x0b, count: 16), Array("Hi There".utf8), "9294727a3638bb1c13f48ef8158bfc9d"),
        (Array("Jefe".utf8), Array("what do ya want for nothing?".utf8), "750c783e6ab0b503eaa86e310a5db738"),
        ([UInt8](repeating: 0xaa, count: 16), [UInt8](repeating: 0xdd, count: 50), "56be34521d144c88dbb8c733f0e8b3f6"),
        (Array(1...25), [UInt8](repeating: 0xcd, count: 50), "697eaf0aca3a3aea3a75164746ffaa79"),
        ([UInt8](repeating: 0x0c, count: 16), Array("Test With Truncation".utf8), "56461ef2342edc00f9bab995690efd4c"),
        (
            [UInt8](repeating: 0xaa, count: 80), Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
            "6b1ab7fe4bd7bf8f0b62e6ce61b9d0cd"
        ),
        (
            [UInt8](repeating: 0xaa, count: 80),
            Array("Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data".utf8),
            "6f630fad67cda0ee1fb1f562db3aa53e"
        ),
    ])
    func hmacMD5(key: [UInt8], data: [UInt8], expected: String) {
        #expect(hexString(MD5.hmac(key: key, data)) == expected)
        // Split input gives the same MAC as the concatenation.
        let half = data.count / 2
        #expect(MD5.hmac(key: key, Array(data[..<half]), Array(data[half...])) == MD5.hmac(key: key, data))
    }

    @Test func md5() {
        // RFC 1321 appendix A.5.
        #expect(hexString(MD5.hash([])) == "d41d8cd98f00b204e9800998ecf8427e")
        #expect(hexString(MD5.hash(Array("abc".utf8))) == "900150983cd24fb0d6963f7d28e17f72")
    }
}
