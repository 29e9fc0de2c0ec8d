/**
 * Starts a real App from vTM-shaped configuration objects, for TLS and stream tests.
 * @module
 */
import type { TestContext } from 'node:test'
import { App, type AppDeps } from '../../src/app.ts'
import { formatDiagnostic, loadConfigFromObjects, type Diagnostic } from '../../src/config/index.ts'
import { SeededRandom, memoryLogger, systemClock, type Result } from '../../src/core/index.ts'
import type { Snapshot } from '../../src/snapshot/index.ts'
import { onCleanup } from '../helpers/cleanup.ts'

/** `{properties: sections}` as JSON, the shape of one configuration file. */
export function obj(sections: Record<string, Record<string, unknown>>): string {
  return JSON.stringify({ properties: sections })
}

/** A virtual server on 127.0.0.1:`port`, enabled, with extra sections merged in. */
export function vsObj(port: number, protocol: string, pool: string, sections: Record<string, Record<string, unknown>> = {}): string {
  return obj({
    ...sections,
    basic: { enabled: true, protocol, port, pool, listen_on_any: false, listen_on_hosts: ['127.0.0.1'], ...sections['basic'] },
  })
}

/** A pool of `nodes` (`host:port`), round robin, with extra sections merged in. */
export function poolObj(nodes: readonly string[], sections: Record<string, Record<string, unknown>> = {}): string {
  return obj({
    ...sections,
    basic: { nodes_table: nodes.map((node) => ({ node })), ...sections['basic'] },
    load_balancing: { algorithm: 'round_robin', ...sections['load_balancing'] },
  })
}

/** A server key object from PEM text. */
export function serverKeyObj(cert: string, key: string): string {
  return obj({ basic: { public: cert, private: key } })
}

/** Validates and applies `files`; the Result carries every diagnostic on failure. */
export async function tryStartApp(
  t: TestContext,
  files: Readonly<Record<string, string>>,
  extra: Partial<AppDeps> = {},
): Promise<{ app: App; applied: Result<Snapshot, Diagnostic[]> }> {
  const app = new App({ clock: systemClock, random: new SeededRandom(1), logger: memoryLogger(), ...extra })
  onCleanup(t, () => app.stop(0))
  const config = loadConfigFromObjects(files)
  if (!config.ok) return { app, applied: config }
  return { app, applied: await app.apply(config.value) }
}

/** Like tryStartApp, but throws on any diagnostic. */
export async function startApp(t: TestContext, files: Readonly<Record<string, string>>, extra: Partial<AppDeps> = {}): Promise<App> {
  const { app, applied } = await tryStartApp(t, files, extra)
  if (!applied.ok) throw new Error(applied.error.map(formatDiagnostic).join('\n'))
  return app
}
