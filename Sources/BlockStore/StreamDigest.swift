/// The stream digest the applier computes, by the rules of the stream's format version.
///
/// Version 2 covers the header and every frame's header (a few dozen bytes per block), hashed on the caller's
/// thread; block data is protected by each frame's CRC-32 and by the map digest instead. Version 1 covers every
/// byte of the stream, so the block data is hashed on a second thread (``BackgroundHasher``) while the applier
/// goes on checking and writing blocks; that thread is started only for a version 1 stream.
final class StreamDigest {
    private enum Method {
        /// Version 2: framing bytes only, hashed at once.
        case framing(SHA256)
        /// Version 1: every byte, on a second thread. Framing bytes are valid only during the call that hands them
        /// over, so they are queued from copies in `copies`.
        case everyByte(BackgroundHasher, copies: UnsafeMutableRawBufferPointer)
    }

    private let method: Method
    private var copiesUsed = 0

    /// Digests by the rules of `version`, which ``ReplicationStreamFormat/Header/decode(_:)`` has accepted.
    init(version: UInt16) {
        if ReplicationStreamFormat.digestCoversBlockData(version: version) {
            method = .everyByte(BackgroundHasher(), copies: .allocate(byteCount: 64 << 10, alignment: 16))
        } else {
            method = .framing(SHA256())
        }
    }

    deinit {
        if case .everyByte(let hasher, let copies) = method {
            hasher.wait()
            hasher.stop()
            copies.deallocate()
        }
    }

    /// Adds bytes of the stream header, a frame's header or the trailer, valid only during the call.
    func addFraming(_ bytes: UnsafeRawBufferPointer) {
        switch method {
        case .framing(let hasher):
            hasher.update(bytes)
        case .everyByte(let hasher, let copies):
            if copiesUsed + bytes.count > copies.count {
                hasher.wait()
                copiesUsed = 0
            }
            let end = copiesUsed + bytes.count
            let copy = UnsafeMutableRawBufferPointer(rebasing: copies[copiesUsed..<end])
            copy.copyMemory(from: bytes)
            copiesUsed = end
            hasher.update(UnsafeRawBufferPointer(copy))
        }
    }

    /// Adds block data that stays valid and unchanged until ``wait()`` returns (version 1 only).
    func addBlockData(_ region: UnsafeRawBufferPointer) {
        if case .everyByte(let hasher, _) = method { hasher.update(region) }
    }

    /// Adds block data valid only during the call (version 1 only).
    func addBlockDataNow(_ bytes: UnsafeRawBufferPointer) {
        if case .everyByte(let hasher, _) = method { hasher.updateNow(bytes) }
    }

    /// Waits until the block data handed to ``addBlockData(_:)`` is hashed, so its memory can be reused.
    func wait() {
        if case .everyByte(let hasher, _) = method { hasher.wait() }
    }

    /// The digest of everything added; nothing may be added afterwards.
    func finalize() -> [UInt8] {
        switch method {
        case .framing(let hasher): hasher.finalize()
        case .everyByte(let hasher, _): hasher.finalize()
        }
    }
}
