/**
 * The `ping` monitor: one ICMP echo through the system's `ping` program (Sluice does not open
 * raw sockets). Exit status 0 passes.
 * @module
 */
import { accessSync, constants } from 'node:fs'
import type { MonitorSpec, Probe, ProbeResult, ProbeTarget } from './types.ts'
import { excerpt } from './probe-util.ts'
import { runProgram } from './run-program.ts'

/** Where `findPingProgram` looks, in order. */
export const PING_DIRS: readonly string[] = ['/usr/bin', '/bin', '/usr/sbin', '/sbin', '/usr/local/bin']

/** The first executable `ping` in `dirs`, or undefined when there is none. */
export function findPingProgram(dirs: readonly string[] = PING_DIRS): string | undefined {
  for (const dir of dirs) {
    const file = `${dir}/ping`
    try {
      accessSync(file, constants.X_OK)
      return file
    } catch {
      // Not here (or not executable); try the next directory.
    }
  }
  return undefined
}

/** Sends one echo request with `ping -n -c 1 -W <seconds> host`. */
export class PingProbe implements Probe {
  readonly #spec: MonitorSpec
  readonly #env: Readonly<Record<string, string>>

  constructor(spec: MonitorSpec, env: Readonly<Record<string, string>>) {
    this.#spec = spec
    this.#env = env
  }

  async run(target: ProbeTarget, signal: AbortSignal): Promise<ProbeResult> {
    const spec = this.#spec
    const waitSeconds = String(Math.max(1, Math.ceil(spec.timeoutMs / 1000)))
    const args = ['-n', '-c', '1', '-W', waitSeconds, target.host]
    const outcome = await runProgram(spec.pingProgram, args, this.#env, signal, spec.timeoutMs)
    if (outcome.failure !== undefined) return { ok: false, reason: outcome.failure }
    if (outcome.status === 0) return { ok: true, reason: `${target.host} answered ping` }
    const said = (outcome.stderr.trim() || outcome.stdout.trim().split('\n').pop()) ?? ''
    const why = said === '' ? '' : `: ${excerpt(said)}`
    return { ok: false, reason: `ping ${target.host} exited with status ${outcome.status ?? -1}${why}` }
  }
}
