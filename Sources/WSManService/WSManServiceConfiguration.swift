import Foundation
import XML

/// What the dispatcher needs to know about the host it speaks for, and its limits.
public struct WSManServiceConfiguration: Sendable {
    /// The host's name: the `Machine` of every fault.
    public var hostName: String
    /// Identify's `ProductVersion` for authenticated callers (Windows Server 2022).
    public var productVersion: String = "OS: 10.0.20348 SP: 0.0 Stack: 3.0"
    /// The largest response, in bytes; a request's `w:MaxEnvelopeSize` may lower it (512000, as Windows' 500 KiB).
    public var maxEnvelopeSize: Int = 512_000
    /// How long an enumeration context may sit idle (Windows' `EnumerationTimeoutms`, 240000).
    public var enumerationExpiry: TimeInterval = 240
    /// Parser limits for request envelopes.
    public var xmlLimits: XMLLimits = XMLLimits()

    public init(hostName: String) {
        self.hostName = hostName
    }
}
