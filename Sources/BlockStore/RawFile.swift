#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file descriptor with full-length positional I/O; every failure becomes a ``BlockStoreError``.
final class RawFile: @unchecked Sendable {
    let path: String
    private let fd: Int32

    /// Opens `path`. `direct`: transfers bypass the page cache (Linux O_DIRECT; buffers, offsets and lengths
    /// must be multiples of 4 KiB); throws where the file system refuses it.
    init(path: String, create: Bool = false, exclusive: Bool = false, readOnly: Bool = false,
         direct: Bool = false) throws {
        var flags = readOnly ? O_RDONLY : O_RDWR
        if create { flags |= O_CREAT }
        if exclusive { flags |= O_EXCL }
        if direct {
            #if os(Linux) && arch(x86_64)
            flags |= 0o40000  // O_DIRECT, which Glibc's module map hides
            #elseif os(Linux) && arch(arm64)
            flags |= 0o200000
            #else
            throw BlockStoreError.io("open", path: path, errno: EINVAL)
            #endif
        }
        flags |= O_CLOEXEC
        let fd = open(path, flags, 0o644)
        guard fd >= 0 else { throw BlockStoreError.io("open", path: path, errno: errno) }
        self.fd = fd
        self.path = path
    }

    deinit { close(fd) }

    /// Takes an exclusive advisory lock, refusing if another process holds it.
    func lockExclusively(diskPath: String) throws {
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            if errno == EWOULDBLOCK { throw BlockStoreError.diskInUse(diskPath) }
            throw BlockStoreError.io("flock", path: path, errno: errno)
        }
    }

    func unlock() { _ = flock(fd, LOCK_UN) }

    func size() throws -> UInt64 {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw BlockStoreError.io("fstat", path: path, errno: errno) }
        return UInt64(st.st_size)
    }

    /// Reads exactly `buffer.count` bytes at `offset`; bytes past the end of file read as zeros.
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: UInt64) throws {
        var done = 0
        while done < buffer.count {
            let n = pread(fd, buffer.baseAddress! + done, buffer.count - done, off_t(offset) + off_t(done))
            if n < 0 {
                if errno == EINTR { continue }
                throw BlockStoreError.io("read", path: path, errno: errno)
            }
            if n == 0 {
                (buffer.baseAddress! + done).initializeMemory(as: UInt8.self, repeating: 0, count: buffer.count - done)
                return
            }
            done += n
        }
    }

    /// Reads the consecutive bytes at `offset` into `buffers` in turn, with one call when it can (at most 1,024
    /// buffers); bytes past the end of file read as zeros.
    func read(scattering buffers: [UnsafeMutableRawBufferPointer], at offset: UInt64) throws {
        let total = buffers.reduce(0) { $0 + $1.count }
        var vectors = buffers.map { iovec(iov_base: $0.baseAddress, iov_len: $0.count) }
        let n = vectors.withUnsafeMutableBufferPointer { preadv(fd, $0.baseAddress, Int32($0.count), off_t(offset)) }
        if n == total { return }
        if n < 0, errno != EINTR { throw BlockStoreError.io("read", path: path, errno: errno) }
        // A short or interrupted read: the rest buffer by buffer, from where it stopped.
        let done = Swift.max(n, 0)
        var start = 0
        for buffer in buffers {
            let end = start + buffer.count
            if end > done {
                let skip = Swift.max(0, done - start)
                try read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[skip...]),
                         at: offset + UInt64(start + skip))
            }
            start = end
        }
    }

    func write(_ buffer: UnsafeRawBufferPointer, at offset: UInt64) throws {
        var done = 0
        while done < buffer.count {
            let n = pwrite(fd, buffer.baseAddress! + done, buffer.count - done, off_t(offset) + off_t(done))
            if n < 0 {
                if errno == EINTR { continue }
                throw BlockStoreError.io("write", path: path, errno: errno)
            }
            done += n
        }
    }

    func write(_ bytes: [UInt8], at offset: UInt64) throws {
        try bytes.withUnsafeBytes { try write($0, at: offset) }
    }

    func readAll() throws -> [UInt8] {
        let count = Int(try size())
        var bytes = [UInt8](repeating: 0, count: count)
        try bytes.withUnsafeMutableBytes { try read(into: $0, at: 0) }
        return bytes
    }

    /// Flushes data (and the size, if it changed) to stable storage.
    func syncData() throws {
        #if canImport(Glibc)
        guard fdatasync(fd) == 0 else { throw BlockStoreError.io("fdatasync", path: path, errno: errno) }
        #else
        guard fsync(fd) == 0 else { throw BlockStoreError.io("fsync", path: path, errno: errno) }
        #endif
    }

    /// Starts writing back the dirty pages of a range without waiting for them, so a later ``syncData()``
    /// has less left to do. Durability still comes only from ``syncData()``.
    func startWriteback(offset: UInt64, length: UInt64) {
        #if canImport(Glibc)
        _ = linuxSyncFileRange(fd, off_t(offset), off_t(length), 2 /* SYNC_FILE_RANGE_WRITE */)
        #endif
    }

    func sync() throws {
        guard fsync(fd) == 0 else { throw BlockStoreError.io("fsync", path: path, errno: errno) }
    }

    func truncate(to length: UInt64) throws {
        guard ftruncate(fd, off_t(length)) == 0 else {
            throw BlockStoreError.io("ftruncate", path: path, errno: errno)
        }
    }

    /// Releases the storage of a range, keeping the file size; a no-op where holes are unsupported.
    func punchHole(offset: UInt64, length: UInt64) {
        #if canImport(Glibc)
        _ = linuxFallocate(fd, 0x02 /* FALLOC_FL_PUNCH_HOLE */ | 0x01 /* FALLOC_FL_KEEP_SIZE */,
                           off_t(offset), off_t(length))
        #endif
    }

    /// Makes a rename or create in `directory` durable.
    static func syncDirectory(_ directory: String) throws {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw BlockStoreError.io("open", path: directory, errno: errno) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw BlockStoreError.io("fsync", path: directory, errno: errno) }
    }

    /// Allocated bytes on disk (for sparseness checks).
    func allocatedBytes() throws -> UInt64 {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw BlockStoreError.io("fstat", path: path, errno: errno) }
        return UInt64(st.st_blocks) * 512
    }
}

#if canImport(Glibc)
// Glibc's module map hides fallocate and sync_file_range (they need _GNU_SOURCE); the symbols are always there.
@_silgen_name("fallocate")
private func linuxFallocate(_ fd: Int32, _ mode: Int32, _ offset: off_t, _ length: off_t) -> Int32
@_silgen_name("sync_file_range")
private func linuxSyncFileRange(_ fd: Int32, _ offset: off_t, _ length: off_t, _ flags: UInt32) -> Int32
#endif
