import NIOConcurrencyHelpers
import NIOCore

/// The body of a request as async-http-client sends it: the parameters document, then the caller's upload.
/// Chunks are pulled one at a time, and `PeerClient` writes each before pulling the next, so the upload advances
/// only as fast as the connection drains (and a chunk's buffer is free again when the next is asked for).
struct PeerUpload<Base: AsyncSequence & Sendable>: AsyncSequence, Sendable where Base.Element == ByteBuffer {
    typealias Element = ByteBuffer

    let parameters: [UInt8]
    let base: Base
    let failure: UploadFailure

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(parameters: parameters.isEmpty ? nil : parameters, base: base.makeAsyncIterator(),
                      failure: failure)
    }

    struct AsyncIterator: AsyncIteratorProtocol {
        var parameters: [UInt8]?
        var base: Base.AsyncIterator
        let failure: UploadFailure

        mutating func next() async throws -> ByteBuffer? {
            if let parameters {
                self.parameters = nil
                return ByteBuffer(bytes: parameters)
            }
            do {
                while let chunk = try await base.next() {
                    if chunk.readableBytes > 0 { return chunk }
                }
                return nil
            } catch {
                failure.record(error)
                throw error
            }
        }
    }
}

/// The error the caller's upload threw, if any: the request fails with it rather than with a transport error.
final class UploadFailure: Sendable {
    private let box = NIOLockedValueBox<(any Error)?>(nil)

    func record(_ error: any Error) {
        box.withLockedValue { if $0 == nil { $0 = error } }
    }

    var error: (any Error)? { box.withLockedValue { $0 } }
}
