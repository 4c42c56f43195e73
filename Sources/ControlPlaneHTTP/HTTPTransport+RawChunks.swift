import Foundation

extension HTTPTransport {
    /// Sends a request and returns as soon as the response head arrives; the body follows as raw
    /// chunks, exactly the bytes libcurl received, in order and unsplit. For binary streams that
    /// are not newline-delimited, such as Docker's multiplexed container logs.
    ///
    /// The returned `records` carry chunks, not records: chunk boundaries are arbitrary, so the
    /// caller reassembles whatever framing the body has (and should not use `collectBody`, which
    /// joins with newlines; concatenate the chunks instead). Like `stream`, the sequence ends when
    /// the server ends the body, throws when the transfer fails, and ending the iteration or
    /// cancelling the iterating task aborts the transfer. Streams have no total time limit; set
    /// `idleTimeout` on the request to notice a dead connection.
    ///
    /// With `streamWhen`, the body is streamed only when the response head satisfies it (an event
    /// stream, say); any other body is read whole first, and the head returns with it already in
    /// `records` (one hand-off to the caller rather than one per piece).
    public func streamChunks(_ request: HTTPRequest,
                             streamWhen: @escaping @Sendable (HTTPHeaders) -> Bool = { _ in true }) async throws -> HTTPStreamResponse {
        try Task.checkCancellation()
        let (chunks, chunksContinuation) = HTTPRecordStream.makeStream()
        let holder = TransferHolder()
        let loop = self.loop
        chunksContinuation.onTermination = { _ in
            if let transfer = holder.cancel() { loop.cancel(transfer) }
        }
        let head = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<ResponseHead, any Error>) in
                do {
                    let transfer = try makeTransfer(request, streaming: true, mode: .rawChunks(continuation, chunksContinuation, streamWhen: streamWhen))
                    if holder.set(transfer) { loop.cancel(transfer) }
                    loop.submit(transfer)
                } catch {
                    continuation.resume(throwing: error)
                    chunksContinuation.finish(throwing: error)
                }
            }
        } onCancel: {
            if let transfer = holder.cancel() { loop.cancel(transfer) }
        }
        return HTTPStreamResponse(status: head.status, headers: head.headers, records: chunks)
    }
}
