import CDeflate

/// The per-block integrity checksum: CRC-32 (the zlib/IEEE polynomial), computed by libdeflate with carry-less
/// multiplication where the CPU has it.
enum BlockChecksum {
    static func crc32(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return 0 }
        return libdeflate_crc32(0, base, bytes.count)
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 { bytes.withUnsafeBytes { crc32($0) } }
    static func crc32(_ bytes: ArraySlice<UInt8>) -> UInt32 { bytes.withUnsafeBytes { crc32($0) } }

    static func isZero(_ bytes: UnsafeRawBufferPointer) -> Bool {
        // Word-at-a-time scan; blocks are large and usually not zero, so this exits early.
        guard let base = bytes.baseAddress else { return true }
        let words = bytes.count / 8
        for i in 0..<words where base.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self) != 0 { return false }
        for i in (words * 8)..<bytes.count where bytes[i] != 0 { return false }
        return true
    }
}
