import Foundation

/// Writes one buffer at a time to a file on its own thread, so the caller can fill the next buffer meanwhile.
///
/// The caller owns the buffers: a buffer handed to ``submit(_:at:)`` must stay untouched until the next
/// `submit`, ``drain()`` or ``stop()`` returns. A failed write is reported by the next of those calls.
final class BackgroundWriter: @unchecked Sendable {
    private let file: RawFile
    private let condition = NSCondition()
    private var job: (buffer: UnsafeRawBufferPointer, offset: UInt64)?
    private var failure: (any Error)?
    private var stopping = false

    init(file: RawFile) {
        self.file = file
        let thread = Thread { [self] in run() }
        thread.name = "wmilab-writer"
        thread.start()
    }

    /// Waits for the previous write, then starts writing `buffer` at `offset`.
    func submit(_ buffer: UnsafeRawBufferPointer, at offset: UInt64) throws {
        condition.lock()
        defer { condition.unlock() }
        while job != nil { condition.wait() }
        if let failure { throw failure }
        job = (buffer, offset)
        condition.broadcast()
    }

    /// Waits until everything submitted is written.
    func drain() throws {
        condition.lock()
        defer { condition.unlock() }
        while job != nil { condition.wait() }
        if let failure { throw failure }
    }

    /// Waits for the write in progress, if any, and ends the thread.
    func stop() {
        condition.lock()
        defer { condition.unlock() }
        stopping = true
        condition.broadcast()
        while job != nil { condition.wait() }
    }

    private func run() {
        condition.lock()
        while true {
            while job == nil, !stopping { condition.wait() }
            guard let current = job else { break }
            condition.unlock()
            var failed: (any Error)?
            do { try file.write(current.buffer, at: current.offset) } catch { failed = error }
            condition.lock()
            if failure == nil { failure = failed }
            job = nil
            condition.broadcast()
        }
        condition.unlock()
    }
}
