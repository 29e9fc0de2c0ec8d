/**
 * Helpers shared by the socket-based probes: opening a (TLS) connection bound to an abort signal,
 * and turning abort reasons and socket errors into short failure reasons.
 * @module
 */
import net from 'node:net'
import tls from 'node:tls'
import { errorMessage } from '../core/index.ts'

/** Longest excerpt of peer data or program output quoted in a reason. */
export const REASON_EXCERPT_CHARS = 80

/** Why a signal aborted, phrased for a probe reason. */
export function abortReason(signal: AbortSignal, timeoutMs: number, doing: string): string {
  const why: unknown = signal.reason
  if (why instanceof Error && why.name === 'TimeoutError') {
    return `timed out after ${timeoutMs} ms ${doing}`
  }
  return `aborted ${doing}`
}

/** A socket error as `ECODE` (or its message when it has no code). */
export function socketErrorText(error: unknown): string {
  if (error instanceof Error && 'code' in error && typeof error.code === 'string') return error.code
  return errorMessage(error)
}

/** Quotes peer data for a reason: printable, single-line, truncated. */
export function excerpt(text: string): string {
  // Control characters are shown escaped so a reason stays on one log line.
  const cleaned = JSON.stringify(text.slice(0, REASON_EXCERPT_CHARS))
  return text.length > REASON_EXCERPT_CHARS ? `${cleaned}...` : cleaned
}

/** Options for `openSocket`. */
export interface OpenSocketOptions {
  readonly host: string
  readonly port: number
  readonly useSsl: boolean
  /** SNI name for TLS; ignored when empty or an IP address. */
  readonly serverName: string
}

/**
 * Connects and resolves with the socket once it is ready (after the TLS handshake when
 * `useSsl`), or with a failure text. The socket is destroyed on failure and when `signal` aborts.
 * Certificates are not verified: a monitor asks whether the node answers, not whom to trust.
 */
export function openSocket(
  options: OpenSocketOptions,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<{ ok: true; socket: net.Socket } | { ok: false; reason: string }> {
  return new Promise((resolve) => {
    const what = `connecting to ${options.host}:${options.port}`
    if (signal.aborted) {
      resolve({ ok: false, reason: abortReason(signal, timeoutMs, what) })
      return
    }
    const servername =
      options.serverName !== '' && net.isIP(options.serverName) === 0 ? options.serverName : undefined
    const socket: net.Socket = options.useSsl
      ? tls.connect({
          host: options.host,
          port: options.port,
          rejectUnauthorized: false,
          ...(servername === undefined ? {} : { servername }),
        })
      : net.connect({ host: options.host, port: options.port })
    let settled = false
    const finish = (result: { ok: true; socket: net.Socket } | { ok: false; reason: string }) => {
      if (settled) return
      settled = true
      socket.off(options.useSsl ? 'secureConnect' : 'connect', onReady)
      if (!result.ok) socket.destroy()
      resolve(result)
    }
    const onAbort = () => {
      finish({ ok: false, reason: abortReason(signal, timeoutMs, what) })
    }
    const onReady = () => {
      finish({ ok: true, socket })
    }
    // The listener stays for the socket's life so a late error never reaches the event loop.
    socket.on('error', (error: unknown) => {
      finish({ ok: false, reason: `${what} failed: ${socketErrorText(error)}` })
    })
    socket.once('close', () => {
      signal.removeEventListener('abort', onAbort)
      finish({ ok: false, reason: `${what} failed: connection closed` })
    })
    signal.addEventListener('abort', onAbort, { once: true })
    socket.once(options.useSsl ? 'secureConnect' : 'connect', onReady)
  })
}
