/**
 * `sluice start`: check the configuration, start Sluice on it (server.ts puts the pieces
 * together), report what listens where, reload on SIGHUP, and shut down gracefully on
 * SIGINT/SIGTERM.
 * @module
 */
import { readFile } from 'node:fs/promises'
import { availableParallelism, hostname } from 'node:os'
import { isAbsolute, join } from 'node:path'
import { DEFAULT_API_ADDRESS, parseApiAddress, sluiceStateDir } from '../api/index.ts'
import { formatDiagnostic, type ValidConfig, type VirtualServerProperties } from '../config/index.ts'
import { err, errorMessage, ok, type Logger, type Result } from '../core/index.ts'
import { SluiceServer, type ApiPlan } from '../server.ts'
import type { BoundAddress } from '../net/index.ts'
import { diagnoseConfigDir } from '../snapshot/index.ts'
import { logReport } from './check.ts'
import { ruleTesterFor } from './rule-test-api.ts'
import { startDemoNode, type DemoNode } from './demo-nodes.ts'
import { serviceNotifier } from './service-notify.ts'

export interface StartOptions {
  readonly configDir: string
  readonly withDemoNodes: boolean
  readonly drainMs: number
  readonly logger: Logger
  readonly version: string
  readonly out: (line: string) => void
  /** `--api HOST:PORT` (overrides `.sluice/api.json`), or `off`. */
  readonly api?: string
  /** `--workers N` (overrides `global_settings` `basic.workers`). */
  readonly workers?: number
  /** `--cluster URL` (overrides `global_settings` `cluster.redis_url`); '' runs alone. */
  readonly cluster?: string
  /** `--member-name NAME`. */
  readonly memberName?: string
}

/** `<config dir>/.sluice/api.json`: `{"listen": "HOST:PORT", "tls_cert": FILE, "tls_key": FILE, "host_names": [NAME]}`. */
interface ApiSettings {
  readonly listen: string
  readonly tls?: { cert: Buffer; key: Buffer }
  /** Names clients use for the API besides its address and loopback names (the Host check). */
  readonly hostNames: readonly string[]
  /** The address was chosen by the user (so failing to listen is fatal). */
  readonly isExplicit: boolean
}

async function readApiSettings(configDir: string, override: string | undefined): Promise<Result<ApiSettings | null, string>> {
  const path = join(sluiceStateDir(configDir), 'api.json')
  let doc: Record<string, unknown> = {}
  try {
    const parsed: unknown = JSON.parse(await readFile(path, 'utf8'))
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return err(`${path}: expected a JSON object`)
    doc = parsed as Record<string, unknown>
  } catch (e: unknown) {
    if (!(e instanceof Error && 'code' in e && e.code === 'ENOENT')) return err(`${path}: ${errorMessage(e)}`)
  }
  const listen = override ?? (typeof doc['listen'] === 'string' ? doc['listen'] : undefined)
  if (listen === 'off') return ok(null)
  const hostNames = doc['host_names'] ?? []
  if (!Array.isArray(hostNames) || !hostNames.every((n) => typeof n === 'string' && n !== '')) {
    return err(`${path}: host_names must be a list of host names`)
  }
  const certFile = doc['tls_cert']
  const keyFile = doc['tls_key']
  let tls: { cert: Buffer; key: Buffer } | undefined
  if (typeof certFile === 'string' && typeof keyFile === 'string') {
    const at = (f: string) => (isAbsolute(f) ? f : join(sluiceStateDir(configDir), f))
    try {
      tls = { cert: await readFile(at(certFile)), key: await readFile(at(keyFile)) }
    } catch (e: unknown) {
      return err(`${path}: cannot read the TLS certificate or key: ${errorMessage(e)}`)
    }
  }
  return ok({ listen: listen ?? DEFAULT_API_ADDRESS, isExplicit: listen !== undefined, hostNames: hostNames as string[], ...(tls === undefined ? {} : { tls }) })
}

const DEMO_NODES: readonly [string, number][] = [
  ['node-a', 9001],
  ['node-b', 9002],
  ['node-c', 9003],
]

const KEEP_ALIVE_MS = 3_600_000

/**
 * Says which virtual servers are disabled or enabled but not listening (a protocol Sluice does
 * not run yet), and plainly when nothing listens for traffic, so a start with no working
 * virtual server is not mistaken for a working one.
 */
function listenerNotes(config: ValidConfig, bound: readonly BoundAddress[]): (readonly ['info' | 'warn', string])[] {
  const listening = new Set(bound.map((b) => b.virtualServer))
  const quoted = (names: readonly string[]) => names.map((n) => `"${n}"`).join(', ')
  const all = [...config.virtualServers]
  const disabled = all.filter(([, vs]) => !vs.basic.enabled).map(([name]) => name)
  const idle = all.filter(([name, vs]) => vs.basic.enabled && !listening.has(name))
  const notes: string[] = []
  for (const [name, vs] of idle) notes.push(`virtual server "${name}" does not listen: ${whyNotListening(vs)}`)
  if (disabled.length > 0) notes.push(`disabled virtual server${disabled.length === 1 ? '' : 's'}: ${quoted(disabled)}`)
  if (listening.size > 0) return notes.map((n) => ['info', n] as const)
  if (all.length === 0) return [['warn', 'no virtual server is listening: the configuration has no virtual server; add one and the change is applied']]
  if (idle.length > 0) return [['warn', `no virtual server is listening: ${notes.join('; ')}`]]
  return [['warn', `no virtual server is listening: every virtual server is disabled (${notes.join('; ')}); set basic.enabled to true and the change is applied`]]
}

/** For a listener that is not HTTP, which protocol it speaks: ` (server_first)`, ` (dns)`. */
function protocolNote(url: string, vs: VirtualServerProperties | undefined): string {
  return url.startsWith('http') || vs === undefined ? '' : ` (${vs.basic.protocol})`
}

/** Why an enabled virtual server has no listener. */
function whyNotListening(vs: VirtualServerProperties): string {
  if (!vs.basic.listen_on_any && vs.basic.listen_on_hosts.length === 0) return 'listen_on_any is false and listen_on_hosts is empty'
  return `protocol ${vs.basic.protocol} is not supported yet`
}

/** The host name, with the API's port when it is not the default (several members on one host). */
function defaultMemberName(api: ApiPlan | null): string {
  const port = api?.address.port ?? 9070
  return port === 9070 ? hostname() : `${hostname()}:${String(port)}`
}

export async function startCommand(opts: StartOptions): Promise<number> {
  const { logger, out } = opts
  const report = await diagnoseConfigDir(opts.configDir)
  if (report.config === null) {
    logReport(report, logger)
    logger.error(`not starting: ${String(report.errors.length)} problem(s) in ${opts.configDir}`)
    return 1
  }
  const config = report.config
  logReport(report, logger)
  const apiSettings = await readApiSettings(opts.configDir, opts.api)
  if (!apiSettings.ok) {
    logger.error(`not starting: ${apiSettings.error}`)
    return 1
  }
  let api: ApiPlan | null = null
  if (apiSettings.value !== null) {
    const address = parseApiAddress(apiSettings.value.listen)
    if (!address.ok) {
      logger.error(`not starting: --api: ${address.error}`)
      return 1
    }
    const { tls, isExplicit, hostNames } = apiSettings.value
    api = { address: address.value, hostNames, isExplicit, ...(tls === undefined ? {} : { tls }) }
  }
  const demo: DemoNode[] = []
  if (opts.withDemoNodes) {
    try {
      for (const [name, port] of DEMO_NODES) demo.push(await startDemoNode(name, port))
    } catch (e: unknown) {
      logger.error(`cannot start the demo nodes on 127.0.0.1:9001-9003: ${errorMessage(e)}`)
      await Promise.all(demo.map((d) => d.close()))
      return 1
    }
  }
  // A stop asked for while Sluice is still starting (its listeners may already answer while the
  // workers start) is carried out as soon as the start is done, not left to the signal's default.
  let stopAskedWhileStarting: NodeJS.Signals | null = null
  const onEarlySignal = (signal: NodeJS.Signals) => {
    stopAskedWhileStarting ??= signal
  }
  process.on('SIGINT', onEarlySignal)
  process.on('SIGTERM', onEarlySignal)
  const notifier = serviceNotifier(process.env, logger, process.pid)
  const workers = opts.workers ?? (config.globalSettings.basic.workers === 0 ? availableParallelism() : config.globalSettings.basic.workers)
  const clusterUrl = opts.cluster ?? config.globalSettings.cluster.redis_url
  if (clusterUrl !== '' && !/^rediss?:\/\//.test(clusterUrl)) {
    logger.error(`not starting: --cluster "${clusterUrl}" is not a redis:// or rediss:// URL`)
    return 1
  }
  const memberName = opts.memberName ?? defaultMemberName(api)
  const started = await SluiceServer.start({
    workers,
    ...(clusterUrl === '' ? {} : { cluster: { url: clusterUrl, memberName } }),
    configDir: opts.configDir,
    config,
    isBuiltIn: opts.withDemoNodes,
    logger,
    version: opts.version,
    api,
    ruleTester: ruleTesterFor(opts.configDir),
    onApplied: (version, why) => {
      notifier.status(`configuration version ${String(version)} applied (${why})`)
    },
  })
  process.off('SIGINT', onEarlySignal)
  process.off('SIGTERM', onEarlySignal)
  if (!started.ok) {
    if (typeof started.error === 'string') logger.error(`not starting: ${started.error}`)
    else for (const d of started.error) logger.error(formatDiagnostic(d))
    await Promise.all(demo.map((d) => d.close()))
    return 1
  }
  const server = started.value
  if (server.apiOrigin !== '') {
    out(`REST API: ${server.apiOrigin}/api/tm/`)
    out(`web UI: ${server.apiOrigin}/`)
  }
  out(`Sluice ${opts.version} started (pid ${String(process.pid)}, ${String(workers)} worker${workers === 1 ? '' : 's'}${clusterUrl === '' ? '' : `, cluster member "${memberName}"`})`)
  out(`configuration: ${opts.configDir}${opts.withDemoNodes ? ' (built-in quick-start configuration)' : ''}`)
  for (const l of server.listeners()) out(`listening: virtual server "${l.virtualServer}" on ${l.url}${protocolNote(l.url, config.virtualServers.get(l.virtualServer))}`)
  for (const [level, line] of listenerNotes(config, server.app.bound())) logger[level](line)
  if (demo.length > 0) out(`demo nodes: ${demo.map((d) => `${d.name} on 127.0.0.1:${String(d.port)}`).join(', ')}`)
  process.on('SIGHUP', () => {
    server.reload('SIGHUP')
  })

  // Nothing may listen (every virtual server disabled, the API off); the process still waits for
  // SIGHUP, a changed directory or a signal to stop, so it holds the event loop open itself.
  const keepAlive = setInterval(() => undefined, KEEP_ALIVE_MS)
  return new Promise((resolveExit) => {
    let stopping = false
    const stop = (signal: string) => {
      if (stopping) return
      stopping = true
      notifier.stopping()
      out(`${signal} received: stopping (waiting up to ${String(opts.drainMs / 1000)} s for open requests)`)
      void (async () => {
        clearInterval(keepAlive)
        await server.stop(opts.drainMs)
        await Promise.all(demo.map((d) => d.close()))
        out('stopped')
        resolveExit(0)
      })()
    }
    process.on('SIGINT', () => {
      stop('SIGINT')
    })
    process.on('SIGTERM', () => {
      stop('SIGTERM')
    })
    // Only now: a script that stops Sluice as soon as it reads this line must find the handlers.
    out('press Ctrl-C to stop')
    if (stopAskedWhileStarting !== null) stop(stopAskedWhileStarting)
    notifier.ready(`${String(server.app.bound().length)} listener(s), configuration version ${String(server.app.snapshot?.version ?? 0)}`)
  })
}
