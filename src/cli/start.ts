/**
 * `sluice start`: load the configuration, apply it, report what listens where, reload on
 * SIGHUP, and shut down gracefully on SIGINT/SIGTERM.
 * @module
 */
import { readFile } from 'node:fs/promises'
import { isAbsolute, join } from 'node:path'
import { App } from '../app.ts'
import { ApiServer, DEFAULT_API_ADDRESS, configFingerprint, ensureFirstAdmin, parseApiAddress, sluiceStateDir } from '../api/index.ts'
import { describeConfigDiff, diffConfigs, formatDiagnostic, type ValidConfig } from '../config/index.ts'
import { err, errorMessage, ok, systemClock, systemRandom, type Logger, type Result } from '../core/index.ts'
import { ActionRunner, keepEventsIn } from '../events/index.ts'
import { diagnoseConfigDir } from '../snapshot/index.ts'
import { logReport } from './check.ts'
import { ruleTesterFor } from './rule-test-api.ts'
import { startDemoNode, type DemoNode } from './demo-nodes.ts'
import { serviceNotifier } from './service-notify.ts'
import { ReloadQueue, watchConfigDir } from './watch.ts'

export interface StartOptions {
  readonly configDir: string
  readonly withDemoNodes: boolean
  readonly drainMs: number
  readonly logger: Logger
  readonly version: string
  readonly out: (line: string) => void
  /** `--api HOST:PORT` (overrides `.sluice/api.json`), or `off`. */
  readonly api?: string
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
 * Says which virtual servers are disabled, and plainly when nothing listens for traffic, so a
 * start with every virtual server disabled is not mistaken for a working one.
 */
function listenerNotes(config: ValidConfig, boundCount: number): (readonly ['info' | 'warn', string])[] {
  const disabled = [...config.virtualServers].filter(([, vs]) => !vs.basic.enabled).map(([name]) => `"${name}"`)
  const which = disabled.length === 0 ? '' : `disabled virtual server${disabled.length === 1 ? '' : 's'}: ${disabled.join(', ')}`
  if (boundCount > 0) return which === '' ? [] : [['info', which]]
  const why = config.virtualServers.size === 0 ? 'the configuration has no virtual server' : `every virtual server is disabled (${which})`
  return [['warn', `no virtual server is listening: ${why}; set basic.enabled to true and the change is applied`]]
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
  const apiAddress = apiSettings.value === null ? null : parseApiAddress(apiSettings.value.listen)
  if (apiAddress !== null && !apiAddress.ok) {
    logger.error(`not starting: --api: ${apiAddress.error}`)
    return 1
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
  const app = new App({
    clock: systemClock,
    random: systemRandom,
    logger,
    programEnv: { PATH: process.env['PATH'] ?? '/usr/local/bin:/usr/bin:/bin' },
  })
  // The events of earlier runs, and every new one, in DIR/.sluice/events.log (not for the
  // built-in configuration, which lives among the program's files).
  const closeEvents = opts.withDemoNodes ? () => Promise.resolve() : await keepEventsIn(app.events, join(sluiceStateDir(opts.configDir), 'events.log'), logger)
  const applied = await app.apply(config)
  if (!applied.ok) {
    for (const d of applied.error) logger.error(formatDiagnostic(d))
    await app.stop(0)
    await closeEvents()
    await Promise.all(demo.map((d) => d.close()))
    return 1
  }
  const actions = new ActionRunner({
    logger,
    objects: () => app.snapshot?.config.objects,
    configDir: opts.configDir,
    env: { PATH: process.env['PATH'] ?? '/usr/local/bin:/usr/bin:/bin' },
  })
  const detachActions = actions.attach(app.events)
  let api: ApiServer | null = null
  if (apiSettings.value !== null && apiAddress?.ok === true) {
    const { tls, isExplicit, hostNames } = apiSettings.value
    // The built-in configuration is read-only and lives in the source tree: no user is made there.
    if (!opts.withDemoNodes) await announceFirstAdmin(opts.configDir, logger)
    api = new ApiServer({
      app,
      configDir: opts.configDir,
      logger,
      clock: systemClock,
      address: apiAddress.value,
      isReadOnly: opts.withDemoNodes,
      version: opts.version,
      hostNames,
      ruleTester: ruleTesterFor(opts.configDir),
      ...(tls === undefined ? {} : { tls }),
    })
    const started = await api.start()
    if (!started.ok) {
      api = null
      if (isExplicit) {
        logger.error(`not starting: API: ${started.error}`)
        detachActions()
        await app.stop(0)
        await Promise.all(demo.map((d) => d.close()))
        return 1
      }
      logger.warn(`the REST API is not running: ${started.error}`)
    } else {
      const h = started.value.host.includes(':') ? `[${started.value.host}]` : started.value.host
      const origin = `${tls === undefined ? 'http' : 'https'}://${h}:${String(started.value.port)}`
      out(`REST API: ${origin}/api/tm/`)
      out(`web UI: ${origin}/`)
    }
  }
  out(`Sluice ${opts.version} started (pid ${String(process.pid)})`)
  out(`configuration: ${opts.configDir}${opts.withDemoNodes ? ' (built-in quick-start configuration)' : ''}`)
  for (const l of app.listeners()) out(`listening: virtual server "${l.virtualServer}" on ${l.url}`)
  for (const [level, line] of listenerNotes(config, app.bound().length)) logger[level](line)
  if (demo.length > 0) out(`demo nodes: ${demo.map((d) => `${d.name} on 127.0.0.1:${String(d.port)}`).join(', ')}`)

  const notifier = serviceNotifier(process.env, logger, process.pid)
  const reloadNow = async (why: string) => {
    const next = await diagnoseConfigDir(opts.configDir)
    // An API change is written and applied before this runs (see reload), so it is found live.
    const current = app.snapshot?.config
    if (next.config !== null && current !== undefined && configFingerprint(next.config) === configFingerprint(current)) {
      if (why === 'SIGHUP') logger.info('SIGHUP: the configuration has not changed')
      return
    }
    const changes = next.config !== null && current !== undefined ? `: ${describeConfigDiff(diffConfigs(current, next.config))}` : ''
    const result = next.config === null ? err([...next.errors]) : await app.apply(next.config)
    const warnings = next.warnings.length === 0 ? '' : `; ${String(next.warnings.length)} warning(s):\n  ${next.warnings.map(formatDiagnostic).join('\n  ')}`
    if (result.ok) {
      notifier.status(`configuration version ${String(result.value.version)} applied (${why})`)
      app.events.emit({
        severity: next.warnings.length === 0 ? 'info' : 'warn',
        category: 'config',
        name: 'confok',
        objects: { directory: opts.configDir },
        message: `configuration applied (version ${String(result.value.version)}, ${why})${changes}${warnings}`,
      })
      return
    }
    app.events.emit({
      severity: 'warn',
      category: 'config',
      name: 'confrejected',
      objects: { directory: opts.configDir },
      message: `configuration change rejected (${why}); the previous configuration stays:\n  ${result.error.map(formatDiagnostic).join('\n  ')}${warnings}`,
    })
  }
  // Between API changes, never during one: a change written but not yet applied (or being
  // rolled back) is never read from the directory.
  const reload = (why: string) => (api === null ? reloadNow(why) : api.exclusive(() => reloadNow(why)))
  const reloads = new ReloadQueue(reload, () => systemClock.monoMs())
  process.on('SIGHUP', () => {
    reloads.request('SIGHUP')
  })
  const watcher = watchConfigDir(opts.configDir, () => {
    reloads.request('directory changed')
  }, logger)

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
        watcher.close()
        reloads.cancel()
        clearInterval(keepAlive)
        await api?.close()
        detachActions()
        await app.stop(opts.drainMs)
        await actions.idle()
        await closeEvents()
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
    notifier.ready(`${String(app.bound().length)} listener(s), configuration version ${String(app.snapshot?.version ?? 0)}`)
  })
}

/** Creates the first API user of a configuration, if it has none, and prints its password once. */
async function announceFirstAdmin(configDir: string, logger: Logger): Promise<void> {
  const first = await ensureFirstAdmin(configDir)
  if (!first.ok) {
    logger.warn(`no API user could be created (${first.error}); the API serves statistics only until one exists (sluice user add)`)
    return
  }
  if (first.value === null) return
  logger.info(`REST API: created user "${first.value.user}" with password ${first.value.password}`)
  logger.info(`  This is shown only now. Only its hash is kept (${first.value.file});`)
  logger.info(`  to choose another: sluice user add ${first.value.user} --config ${configDir}`)
}
