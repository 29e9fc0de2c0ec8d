/**
 * The `connect` monitor: a node passes when a TCP (or TLS, with `use_ssl`) connection succeeds.
 * @module
 */
import type { MonitorSpec, Probe, ProbeResult, ProbeTarget } from './types.ts'
import { openSocket } from './probe-util.ts'

/** Opens a connection and closes it at once. */
export class ConnectProbe implements Probe {
  readonly #spec: MonitorSpec

  constructor(spec: MonitorSpec) {
    this.#spec = spec
  }

  async run(target: ProbeTarget, signal: AbortSignal): Promise<ProbeResult> {
    if (target.port === undefined) return { ok: false, reason: `${target.label} has no port` }
    const opened = await openSocket(
      { host: target.host, port: target.port, useSsl: this.#spec.useSsl, serverName: target.host },
      signal,
      this.#spec.timeoutMs,
    )
    if (!opened.ok) return { ok: false, reason: opened.reason }
    opened.socket.destroy()
    return { ok: true, reason: `connected to ${target.label}` }
  }
}
