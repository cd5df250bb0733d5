import Foundation

/// SHA-256 of regions of memory handed to it in order, computed on its own thread, so the caller can go on
/// reading and checking the next blocks meanwhile.
///
/// The caller owns the memory: a region handed to ``update(_:)`` must stay valid and unchanged until ``wait()``
/// or ``finalize()`` returns. Call ``stop()`` when done with it (the thread holds it until then).
final class BackgroundHasher: @unchecked Sendable {
    private let hasher = SHA256()
    private let condition = NSCondition()
    private var queued: [UnsafeRawBufferPointer] = []
    /// Regions taken by the thread and not yet hashed.
    private var hashing = 0
    private var stopping = false

    init() {
        let thread = Thread { [self] in run() }
        thread.name = "wmilab-digest"
        thread.start()
    }

    /// Queues the next region of the digested bytes.
    func update(_ region: UnsafeRawBufferPointer) {
        guard region.count > 0 else { return }
        condition.lock()
        queued.append(region)
        if queued.count == 1 { condition.broadcast() }
        condition.unlock()
    }

    /// Waits until every region queued so far is hashed.
    func wait() {
        condition.lock()
        while !queued.isEmpty || hashing > 0 { condition.wait() }
        condition.unlock()
    }

    /// Hashes `region` on the caller's thread, after everything queued before it (for bytes that are only valid
    /// during the call).
    func updateNow(_ region: UnsafeRawBufferPointer) {
        wait()
        // The thread is idle and the lock taken by `wait` orders its last use of the context before this one.
        hasher.update(region)
    }

    /// The digest of everything queued; the hasher must not be updated afterwards.
    func finalize() -> [UInt8] {
        wait()
        return hasher.finalize()
    }

    /// Ends the thread once the regions queued so far are hashed.
    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
    }

    private func run() {
        var batch: [UnsafeRawBufferPointer] = []
        condition.lock()
        while true {
            while queued.isEmpty, !stopping { condition.wait() }
            if queued.isEmpty { break }
            swap(&batch, &queued)
            hashing = batch.count
            condition.unlock()
            for region in batch { hasher.update(region) }
            batch.removeAll(keepingCapacity: true)
            condition.lock()
            hashing = 0
            condition.broadcast()
        }
        condition.unlock()
    }
}
