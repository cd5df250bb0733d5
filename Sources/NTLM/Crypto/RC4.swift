/// The RC4 stream cipher, a value whose key stream continues across calls (NTLM keeps one per direction
/// for the whole session). Written here because OpenSSL 3 keeps RC4 only in the optional legacy provider.
struct RC4: Sendable {
    private var box: [UInt8]
    private var i: UInt8 = 0
    private var j: UInt8 = 0

    /// Key schedule; `key` must not be empty (NTLM keys are 5 to 16 bytes).
    init(key: [UInt8]) {
        precondition(!key.isEmpty, "RC4 key must not be empty")
        box = (0...255).map { UInt8($0) }
        var j: UInt8 = 0
        for i in 0..<256 {
            j = j &+ box[i] &+ key[i % key.count]
            box.swapAt(i, Int(j))
        }
    }

    /// XORs `data` with the next `data.count` bytes of key stream.
    mutating func process(_ data: [UInt8]) -> [UInt8] {
        var output = data
        for index in output.indices {
            i = i &+ 1
            j = j &+ box[Int(i)]
            box.swapAt(Int(i), Int(j))
            output[index] ^= box[Int(box[Int(i)] &+ box[Int(j)])]
        }
        return output
    }

    /// RC4K(key, data) of MS-NLMP: a fresh cipher used once.
    static func encrypt(key: [UInt8], _ data: [UInt8]) -> [UInt8] {
        var cipher = RC4(key: key)
        return cipher.process(data)
    }
}
