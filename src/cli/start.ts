/**
 * `sluice start`: load the configuration, apply it, report what listens where, reload on
 * SIGHUP, and shut down gracefully on SIGINT/SIGTERM.
 * @module
 */
import { App } from '../app.ts'
import { formatDiagnostic } from '../config/index.ts'
import { errorMessage, systemClock, systemRandom, type Logger } from '../core/index.ts'
import { loadAndCheck } from './check.ts'
import { startDemoNode, type DemoNode } from './demo-nodes.ts'
import { ReloadQueue, watchConfigDir } from './watch.ts'

export interface StartOptions {
  readonly configDir: string
  readonly withDemoNodes: boolean
  readonly drainMs: number
  readonly logger: Logger
  readonly version: string
  readonly out: (line: string) => void
}

const DEMO_NODES: readonly [string, number][] = [
  ['node-a', 9001],
  ['node-b', 9002],
  ['node-c', 9003],
]

export async function startCommand(opts: StartOptions): Promise<number> {
  const { logger, out } = opts
  const loaded = await loadAndCheck(opts.configDir)
  if (!loaded.ok) {
    for (const d of loaded.error) out(formatDiagnostic(d))
    out(`sluice: not starting: ${String(loaded.error.length)} problem(s) in ${opts.configDir}`)
    return 1
  }
  const demo: DemoNode[] = []
  if (opts.withDemoNodes) {
    try {
      for (const [name, port] of DEMO_NODES) demo.push(await startDemoNode(name, port))
    } catch (e: unknown) {
      out(`sluice: cannot start the demo nodes on 127.0.0.1:9001-9003: ${errorMessage(e)}`)
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
  const applied = await app.apply(loaded.value)
  if (!applied.ok) {
    for (const d of applied.error) out(formatDiagnostic(d))
    await app.stop(0)
    await Promise.all(demo.map((d) => d.close()))
    return 1
  }
  out(`Sluice ${opts.version} started (pid ${String(process.pid)})`)
  out(`configuration: ${opts.configDir}${opts.withDemoNodes ? ' (built-in quick-start configuration)' : ''}`)
  for (const b of app.bound()) {
    const host = b.host.includes(':') ? `[${b.host}]` : b.host
    out(`listening: virtual server "${b.virtualServer}" on http://${host}:${String(b.port)}/`)
  }
  if (demo.length > 0) out(`demo nodes: ${demo.map((d) => `${d.name} on 127.0.0.1:${String(d.port)}`).join(', ')}`)
  out('press Ctrl-C to stop')

  const reload = async (why: string) => {
    const next = await loadAndCheck(opts.configDir)
    const result = next.ok ? await app.apply(next.value) : next
    if (result.ok) {
      app.events.emit({
        severity: 'info',
        category: 'config',
        name: 'confok',
        objects: { directory: opts.configDir },
        message: `configuration applied (version ${String(result.value.version)}, ${why})`,
      })
      return
    }
    app.events.emit({
      severity: 'warn',
      category: 'config',
      name: 'confrejected',
      objects: { directory: opts.configDir },
      message: `configuration change rejected (${why}); the previous configuration stays:\n  ${result.error.map(formatDiagnostic).join('\n  ')}`,
    })
  }
  const reloads = new ReloadQueue(reload)
  process.on('SIGHUP', () => {
    reloads.request('SIGHUP')
  })
  const watcher = watchConfigDir(opts.configDir, () => {
    reloads.request('directory changed')
  }, logger)

  return new Promise((resolveExit) => {
    let stopping = false
    const stop = (signal: string) => {
      if (stopping) return
      stopping = true
      out(`${signal} received: stopping (waiting up to ${String(opts.drainMs / 1000)} s for open requests)`)
      void (async () => {
        watcher.close()
        await app.stop(opts.drainMs)
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
  })
}
