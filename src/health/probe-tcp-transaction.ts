/**
 * The `tcp_transaction` monitor: connects, writes `write_string`, reads until the data matches
 * `response_regex` (or `max_response_len` bytes, or the peer closes), then writes `close_string`.
 * @module
 */
import type { MonitorSpec, Probe, ProbeResult, ProbeTarget } from './types.ts'
import { abortReason, excerpt, openSocket, socketErrorText } from './probe-util.ts'

/** A scripted exchange: write, expect, optionally say goodbye. */
export class TcpTransactionProbe implements Probe {
  readonly #spec: MonitorSpec

  constructor(spec: MonitorSpec) {
    this.#spec = spec
  }

  async run(target: ProbeTarget, signal: AbortSignal): Promise<ProbeResult> {
    const spec = this.#spec
    if (target.port === undefined) return { ok: false, reason: `${target.label} has no port` }
    const opened = await openSocket(
      { host: target.host, port: target.port, useSsl: spec.useSsl, serverName: target.host },
      signal,
      spec.timeoutMs,
    )
    if (!opened.ok) return { ok: false, reason: opened.reason }
    const socket = opened.socket
    return new Promise((resolve) => {
      const regex = spec.responseRegex
      const limit = spec.maxResponseLen
      // Latin-1 maps every byte to one character, so lengths count bytes and nothing is lost.
      let data = ''
      let settled = false
      const finish = (result: ProbeResult) => {
        if (settled) return
        settled = true
        signal.removeEventListener('abort', onAbort)
        if (result.ok && spec.closeString !== '') {
          // Destroy once written: a peer that never closes must not keep the socket open.
          socket.end(spec.closeString, 'latin1', () => socket.destroy())
        } else {
          socket.destroy()
        }
        resolve(result)
      }
      const mismatch = (why: string): ProbeResult => ({
        ok: false,
        reason: `response did not match ${regex.source} (${why}): ${excerpt(data)}`,
      })
      const onAbort = () => {
        const doing = `waiting for a response matching ${regex.source} (got ${data.length} bytes)`
        finish({ ok: false, reason: abortReason(signal, spec.timeoutMs, doing) })
      }
      if (signal.aborted) {
        onAbort()
        return
      }
      signal.addEventListener('abort', onAbort, { once: true })
      socket.on('error', (error: unknown) => {
        finish({ ok: false, reason: `connection to ${target.label} failed: ${socketErrorText(error)}` })
      })
      socket.setEncoding('latin1')
      socket.on('data', (chunk: string) => {
        data += chunk
        if (limit > 0 && data.length >= limit) data = data.slice(0, limit)
        if (regex.test(data)) finish({ ok: true, reason: `response matched ${regex.source}` })
        else if (limit > 0 && data.length >= limit) finish(mismatch(`read ${limit} bytes`))
      })
      socket.on('end', () => {
        finish(mismatch('peer closed'))
      })
      socket.on('close', () => {
        finish(mismatch('connection closed'))
      })
      if (spec.writeString !== '') socket.write(spec.writeString, 'latin1')
    })
  }
}
