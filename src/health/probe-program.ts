/**
 * The `program` monitor: runs an executable with the node's address as
 * `--ipaddr=IP --node=HOST --port=PORT`, then the monitor's own `--name=value` arguments.
 * Exit status 0 passes; anything else, or running past the timeout, fails.
 * @module
 */
import { lookup } from 'node:dns/promises'
import net from 'node:net'
import type { MonitorSpec, Probe, ProbeResult, ProbeTarget } from './types.ts'
import { excerpt } from './probe-util.ts'
import { runProgram } from './run-program.ts'

/** Environment variables a monitor program receives, besides the base environment. */
export const PROGRAM_ENV = {
  node: 'SLUICE_NODE',
  ipaddr: 'SLUICE_NODE_IPADDR',
  host: 'SLUICE_NODE_HOST',
  port: 'SLUICE_NODE_PORT',
  monitor: 'SLUICE_MONITOR',
} as const

/** Runs the monitor's program once per probe. */
export class ProgramProbe implements Probe {
  readonly #spec: MonitorSpec
  readonly #baseEnv: Readonly<Record<string, string>>

  /** `baseEnv` is the whole environment the program starts from (e.g. PATH); nothing is inherited. */
  constructor(spec: MonitorSpec, baseEnv: Readonly<Record<string, string>>) {
    this.#spec = spec
    this.#baseEnv = baseEnv
  }

  async run(target: ProbeTarget, signal: AbortSignal): Promise<ProbeResult> {
    const spec = this.#spec
    const ipaddr = await resolveAddress(target.host, signal)
    const port = target.port === undefined ? '' : String(target.port)
    const args = [`--ipaddr=${ipaddr}`, `--node=${target.host}`, `--port=${port}`]
    for (const arg of spec.arguments) args.push(`--${arg.name}=${arg.value}`)
    if (spec.useSsl) args.push('--ssl')
    const env: Record<string, string> = {
      ...this.#baseEnv,
      [PROGRAM_ENV.node]: target.label,
      [PROGRAM_ENV.ipaddr]: ipaddr,
      [PROGRAM_ENV.host]: target.host,
      [PROGRAM_ENV.port]: port,
      [PROGRAM_ENV.monitor]: spec.name,
    }
    const outcome = await runProgram(spec.program, args, env, signal, spec.timeoutMs)
    if (outcome.failure !== undefined) return { ok: false, reason: outcome.failure }
    if (outcome.status === 0) {
      const said = spec.verbose && outcome.stdout !== '' ? `: ${excerpt(outcome.stdout.trim())}` : ''
      return { ok: true, reason: `program exited with status 0${said}` }
    }
    const why = outcome.stderr.trim() === '' ? '' : `: ${excerpt(outcome.stderr.trim())}`
    return { ok: false, reason: `program exited with status ${outcome.status ?? -1}${why}` }
  }
}

/** The IP for `--ipaddr`; falls back to the host name when it does not resolve in time. */
async function resolveAddress(host: string, signal: AbortSignal): Promise<string> {
  if (net.isIP(host) !== 0 || signal.aborted) return host
  let onAbort = (): void => undefined
  const aborted = new Promise<string>((resolve) => {
    onAbort = () => {
      resolve(host)
    }
    signal.addEventListener('abort', onAbort, { once: true })
  })
  try {
    return await Promise.race([lookup(host).then((found) => found.address), aborted])
  } catch {
    // An unresolvable name is the program's to judge; it still gets the name.
    return host
  } finally {
    signal.removeEventListener('abort', onAbort)
  }
}
