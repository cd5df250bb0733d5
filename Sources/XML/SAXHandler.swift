import CLibXML2

/// The SAX2 callbacks the tree builder registers: elements, character data and CDATA, errors, and a DOCTYPE
/// refused as soon as the parser meets it. Everything else (entity declarations, entity resolution, comments,
/// processing instructions, document start and end) has no callback, so nothing is loaded and no DOM is built.
enum SAXHandler {
    /// Replaces every callback of `sax` with ours (what is not ours is cleared).
    static func install(in sax: UnsafeMutablePointer<xmlSAXHandler>) {
        sax.pointee = xmlSAXHandler()
        sax.pointee.initialized = XML_SAX2_MAGIC
        sax.pointee.internalSubset = refuseDoctype
        sax.pointee.startElementNs = startElement
        sax.pointee.endElementNs = endElement
        sax.pointee.characters = characters
        sax.pointee.ignorableWhitespace = characters
        sax.pointee.cdataBlock = characters
        sax.pointee.serror = recordError
    }

    /// The builder of the parse a callback belongs to; `ctx` is the parser context (its own user data).
    fileprivate static func builder(_ ctx: UnsafeMutableRawPointer?) -> UnsafeMutablePointer<TreeBuilder>? {
        guard let ctx else { return nil }
        let raw = ctx.assumingMemoryBound(to: xmlParserCtxt.self).pointee._private
        return raw?.assumingMemoryBound(to: TreeBuilder.self)
    }
}

private let refuseDoctype: internalSubsetSAXFunc = { ctx, _, _, _ in
    guard let builder = SAXHandler.builder(ctx) else { return }
    let position = builder.pointee.position
    builder.pointee.fail(.doctypeNotAllowed(line: position.line, column: position.column), stop: true)
}

private let startElement: startElementNsSAX2Func = {
    ctx, localName, _, uri, _, _, attributeCount, _, attributes in
    SAXHandler.builder(ctx)?.pointee.startElement(
        localName: localName, uri: uri, attributeCount: Int(attributeCount), attributes: attributes
    )
}

private let endElement: endElementNsSAX2Func = { ctx, _, _, _ in
    SAXHandler.builder(ctx)?.pointee.endElement()
}

private let characters: charactersSAXFunc = { ctx, bytes, count in
    SAXHandler.builder(ctx)?.pointee.characters(bytes, count: Int(count))
}

private let recordError: xmlStructuredErrorFunc = { ctx, error in
    guard let error, let builder = SAXHandler.builder(ctx) else { return }
    let level = error.pointee.level
    guard level == XML_ERR_ERROR || level == XML_ERR_FATAL else { return }
    let message = error.pointee.message.map { String(cString: $0) }?.trimmingXMLWhitespace() ?? "XML error"
    let line = Int(error.pointee.line)
    let column = Int(error.pointee.int2)
    if error.pointee.domain == Int32(XML_FROM_NAMESPACE.rawValue) {
        builder.pointee.fail(.namespace(message, line: line, column: column), stop: false)
    } else {
        builder.pointee.fail(.malformed(message, line: line, column: column), stop: false)
    }
}
