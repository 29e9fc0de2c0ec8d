/**
 * The `http` monitor: sends `GET path` (HTTPS with `use_ssl`) and checks the status code against
 * `status_regex` and, when set, the first `max_response_len` bytes of the body against `body_regex`.
 * @module
 */
import http from 'node:http'
import https from 'node:https'
import net from 'node:net'
import type { MonitorSpec, Probe, ProbeResult, ProbeTarget } from './types.ts'
import { abortReason, excerpt, socketErrorText } from './probe-util.ts'

/** One HTTP/1.1 request per probe on a fresh connection (`Connection: close`). */
export class HttpProbe implements Probe {
  readonly #spec: MonitorSpec

  constructor(spec: MonitorSpec) {
    this.#spec = spec
  }

  run(target: ProbeTarget, signal: AbortSignal): Promise<ProbeResult> {
    const spec = this.#spec
    const port = target.port
    if (port === undefined) return Promise.resolve({ ok: false, reason: `${target.label} has no port` })
    return new Promise((resolve) => {
      let doing = `waiting for a response from ${target.label}`
      if (signal.aborted) {
        resolve({ ok: false, reason: abortReason(signal, spec.timeoutMs, doing) })
        return
      }
      const headers: Record<string, string> = {
        host: spec.hostHeader !== '' ? spec.hostHeader : target.label,
        connection: 'close',
        'user-agent': 'Sluice-Monitor',
      }
      if (spec.authentication !== '') {
        headers['authorization'] = `Basic ${Buffer.from(spec.authentication).toString('base64')}`
      }
      const common = { host: target.host, port, path: spec.path, method: 'GET', headers, agent: false }
      const sni = spec.hostHeader !== '' ? spec.hostHeader.replace(/:[0-9]+$/, '') : target.host
      const req = spec.useSsl
        ? https.request({
            ...common,
            rejectUnauthorized: false,
            ...(net.isIP(sni) === 0 ? { servername: sni } : {}),
          })
        : http.request(common)
      let settled = false
      const finish = (result: ProbeResult) => {
        if (settled) return
        settled = true
        signal.removeEventListener('abort', onAbort)
        req.destroy()
        resolve(result)
      }
      const onAbort = () => {
        finish({ ok: false, reason: abortReason(signal, spec.timeoutMs, doing) })
      }
      signal.addEventListener('abort', onAbort, { once: true })
      req.on('error', (error: unknown) => {
        finish({ ok: false, reason: `request to ${target.label} failed: ${socketErrorText(error)}` })
      })
      req.on('response', (res) => {
        res.on('error', (error: unknown) => {
          finish({ ok: false, reason: `reading the response failed: ${socketErrorText(error)}` })
        })
        const status = String(res.statusCode ?? 0)
        if (!spec.statusRegex.test(status)) {
          finish({ ok: false, reason: `status ${status} did not match ${spec.statusRegex.source}` })
          return
        }
        const bodyRegex = spec.bodyRegex
        if (bodyRegex === undefined) {
          finish({ ok: true, reason: `status ${status}` })
          return
        }
        doing = `reading the response body from ${target.label}`
        const limit = spec.maxResponseLen
        let body = ''
        const judge = () => {
          if (bodyRegex.test(body)) finish({ ok: true, reason: `status ${status}, body matched` })
          else finish({ ok: false, reason: `body did not match ${bodyRegex.source}: ${excerpt(body)}` })
        }
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => {
          body += chunk
          if (limit > 0 && body.length >= limit) {
            body = body.slice(0, limit)
            judge()
          }
        })
        res.on('end', judge)
        res.on('close', () => {
          if (!res.complete) finish({ ok: false, reason: `connection closed mid-body by ${target.label}` })
        })
      })
      req.end()
    })
  }
}
