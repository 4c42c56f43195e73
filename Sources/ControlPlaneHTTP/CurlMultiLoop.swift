import CCurl
import Foundation

/// One thread driving a libcurl multi handle: every transfer of a transport runs here, so
/// connections are pooled and reused across requests, and a thousand idle watches cost one
/// thread. Other threads only hand transfers in and ask for cancellations, then wake the loop.
final class CurlMultiLoop: @unchecked Sendable {
    private let multi: UnsafeMutableRawPointer
    private let lock = NSLock()
    private var incoming: [CurlTransfer] = []
    private var cancellations: [CurlTransfer] = []
    private var stopping = false
    private let stopped = DispatchSemaphore(value: 0)
    // Loop thread only.
    private var active: [UnsafeMutableRawPointer: CurlTransfer] = [:]

    static let globalInit: Void = {
        curl_global_init(Int(CURL_GLOBAL_ALL))
    }()

    init(maxConnections: Int) {
        _ = Self.globalInit
        multi = curl_multi_init()!
        _ = ccurl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, maxConnections)
        let thread = Thread { [self] in run() }
        thread.name = "curl-multi"
        thread.start()
    }

    /// Starts a transfer on the loop.
    func submit(_ transfer: CurlTransfer) {
        lock.withLock { incoming.append(transfer) }
        curl_multi_wakeup(multi)
    }

    /// Aborts a transfer; its continuation or stream ends with a cancellation error. A transfer
    /// already finished is left alone.
    func cancel(_ transfer: CurlTransfer) {
        lock.withLock {
            transfer.cancelRequested = true
            cancellations.append(transfer)
        }
        curl_multi_wakeup(multi)
    }

    /// Ends every transfer and stops the thread.
    func shutdown() {
        let wasStopping = lock.withLock {
            let was = stopping
            stopping = true
            return was
        }
        guard !wasStopping else { return }
        curl_multi_wakeup(multi)
        stopped.wait()
        curl_multi_cleanup(multi)
    }

    private func run() {
        while true {
            // The cancel flag is written and read under the lock, so a cancellation that raced
            // ahead of its submission is still seen here.
            let (added, cancelled, stop) = lock.withLock {
                let batch = (incoming.map { ($0, $0.cancelRequested) }, cancellations, stopping)
                incoming = []
                cancellations = []
                return batch
            }
            for (transfer, cancelRequested) in added {
                if cancelRequested || stop {
                    transfer.complete(code: nil)
                    continue
                }
                active[transfer.easy] = transfer
                curl_multi_add_handle(multi, transfer.easy)
            }
            for transfer in cancelled where active[transfer.easy] === transfer {
                curl_multi_remove_handle(multi, transfer.easy)
                active[transfer.easy] = nil
                transfer.complete(code: nil)
            }
            if stop {
                for (easy, transfer) in active {
                    curl_multi_remove_handle(multi, easy)
                    transfer.complete(code: nil)
                }
                active = [:]
            }
            if stop {
                stopped.signal()
                return
            }
            var running: Int32 = 0
            curl_multi_perform(multi, &running)
            var remaining: Int32 = 0
            while let message = curl_multi_info_read(multi, &remaining) {
                guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
                let code = ccurl_msg_result(message)
                curl_multi_remove_handle(multi, easy)
                if let transfer = active.removeValue(forKey: easy) {
                    transfer.complete(code: code)
                }
            }
            curl_multi_poll(multi, nil, 0, 1000, nil)
        }
    }
}
