import NIOCore

/// Splits a keep-alive HTTP/1.1 response stream into one status code per
/// complete response. The load generator needs only the status and the
/// moment the last byte arrived, so the body is skipped, not decoded.
/// Responses must carry `Content-Length` (the prediction server's always
/// do); chunked or close-delimited bodies are reported as an error.
///
/// - Complexity: O(header bytes) per response.
struct HTTPStatusDecoder: ByteToMessageDecoder {
    typealias InboundOut = Int

    struct Unsupported: Error, CustomStringConvertible { let description: String }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        let parsed = try buffer.withUnsafeReadableBytes { bytes throws -> (status: Int, total: Int)? in
            guard let headerEnd = Self.headerEnd(bytes) else {
                if bytes.count > 64 * 1024 { throw Unsupported(description: "response headers over 64 KiB") }
                return nil
            }
            // "HTTP/1.1 200 OK"
            guard headerEnd >= 12, bytes[0] == UInt8(ascii: "H") else { throw Unsupported(description: "not an HTTP response") }
            let status = Int(bytes[9] &- 48) * 100 + Int(bytes[10] &- 48) * 10 + Int(bytes[11] &- 48)
            guard let length = Self.contentLength(bytes, headerEnd: headerEnd) else {
                throw Unsupported(description: "a response without Content-Length (chunked bodies are not supported)")
            }
            return (status, headerEnd + 4 + length)
        }
        guard let parsed, buffer.readableBytes >= parsed.total else { return .needMoreData }
        buffer.moveReaderIndex(forwardBy: parsed.total)
        context.fireChannelRead(wrapInboundOut(parsed.status))
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        return .needMoreData
    }

    /// The offset of the blank line ending the headers ("\r\n\r\n").
    static func headerEnd(_ b: UnsafeRawBufferPointer) -> Int? {
        guard b.count >= 4 else { return nil }
        var i = 0
        while i + 3 < b.count {
            if b[i] == 0x0D && b[i + 1] == 0x0A && b[i + 2] == 0x0D && b[i + 3] == 0x0A { return i }
            i += 1
        }
        return nil
    }

    /// The Content-Length header's value (name matched case-insensitively).
    static func contentLength(_ b: UnsafeRawBufferPointer, headerEnd: Int) -> Int? {
        let name = Array("content-length:".utf8)
        var line = 0
        while line < headerEnd {
            var end = line
            while end < headerEnd && b[end] != 0x0D { end += 1 }
            if end - line > name.count {
                var match = true
                for j in 0..<name.count where (b[line + j] | 0x20) != name[j] && !(name[j] == UInt8(ascii: ":") && b[line + j] == name[j]) {
                    match = false
                    break
                }
                if match {
                    var v = 0, k = line + name.count
                    while k < end && b[k] == 0x20 { k += 1 }
                    var digits = 0
                    while k < end, b[k] >= 48 && b[k] <= 57 { v = v * 10 + Int(b[k] - 48); k += 1; digits += 1 }
                    return digits > 0 ? v : nil
                }
            }
            line = end + 2
        }
        return nil
    }
}

/// One keep-alive connection of the load generator: sends a request when
/// its dispatcher hands it one, reports each complete response back.
/// Lives on its dispatcher's event loop, like the dispatcher.
final class LoadConnection: ChannelInboundHandler {
    typealias InboundIn = Int

    unowned let dispatcher: LoadDispatcher
    var context: ChannelHandlerContext?
    /// The request in flight: its schedule position, when it was due and when it was sent (ns).
    var current: (position: Int, due: Int64, sent: Int64)?

    init(dispatcher: LoadDispatcher) { self.dispatcher = dispatcher }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func send(_ request: ByteBuffer, position: Int, due: Int64, now: Int64) {
        current = (position, due, now)
        context?.writeAndFlush(NIOAny(request), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        dispatcher.completed(self, status: unwrapInboundIn(data))
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.context = nil
        dispatcher.lost(self)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        dispatcher.note(error)
        context.close(promise: nil)
    }
}
