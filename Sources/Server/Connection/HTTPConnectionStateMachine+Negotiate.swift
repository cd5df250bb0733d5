import Logging
import NIOHTTP1

extension HTTPConnectionStateMachine {
    /// A Negotiate handshake leg without a body: encrypting clients (pypsrp) send their setup request with
    /// `Content-Length: 0` and no `Content-Type`.
    static func isEmptyHandshakeLeg(_ fields: RequestHeaderFields) -> Bool {
        fields.contentType == nil && fields.contentLength == "0"
    }

    /// The request the endpoint gets after Negotiate served it: its user, and the content type it had before
    /// encryption (the endpoint sees the plaintext).
    static func served(_ info: HTTPRequestInfo, user: AuthenticatedUser, contentType: String?) -> HTTPRequestInfo {
        var info = info
        info.user = user
        if let contentType,
           let index = info.headers.firstIndex(where: { $0.name.lowercased() == "content-type" }),
           info.headers[index].value != contentType {
            info.headers[index].value = contentType
        }
        return info
    }

    /// A debug line for every Negotiate request that is not served (a handshake leg, a failed logon, a body
    /// that does not decrypt).
    static func logNegotiateDecision(
        _ decision: AuthenticationStateMachine.NegotiateDecision, peer: String?, to logger: Logger
    ) {
        guard logger.logLevel <= .debug else { return }
        switch decision {
        case .challenge(_, reason: nil):
            logger.debug("negotiate: handshake leg answered", metadata: ["peer": "\(peer ?? "?")"])
        case .challenge(_, reason: let error?):
            logger.debug(
                "negotiate: authentication refused", metadata: ["peer": "\(peer ?? "?")", "error": "\(error)"]
            )
        case .refuse(let error):
            logger.debug(
                "negotiate: request refused, connection closed",
                metadata: ["peer": "\(peer ?? "?")", "error": "\(error)"]
            )
        case .serve:
            break
        }
    }
}
