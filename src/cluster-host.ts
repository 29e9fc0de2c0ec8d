/**
 * Makes a SluiceServer a cluster member (issue #16): the member's view of this Sluice (its App,
 * workers, directory and API queue) and the hooks that feed the member (persistence mappings,
 * directory reloads). Part of the composition root; nothing here runs without `--cluster`.
 * @module
 */
import type { App } from './app.ts'
import { randomBytes } from 'node:crypto'
import { appStatistics, type ClusterView } from './api/index.ts'
import { ClusterMember, sharedSecret } from './cluster/index.ts'
import { formatDiagnostic } from './config/index.ts'
import { systemClock, type Logger } from './core/index.ts'
import { diagnoseConfigDir } from './snapshot/index.ts'
import { captureStatistics } from './stats/index.ts'
import type { WorkerGroup } from './workers/index.ts'

export interface ClusterPlan {
  /** `redis://[user:password@]host:port/db` or `rediss://` for TLS. */
  readonly url: string
  readonly memberName: string
}

export interface ClusterParts {
  readonly app: App
  readonly configDir: string
  readonly logger: Logger
  readonly version: string
  workers(): WorkerGroup | null
  apiOrigin(): string
  /** The API editor's queue (or none before the API runs). */
  exclusive<T>(work: () => Promise<T>): Promise<T>
}

export function makeMember(plan: ClusterPlan, parts: ClusterParts): ClusterMember {
  const { app } = parts
  const member = new ClusterMember({
    url: plan.url,
    name: plan.memberName,
    version: parts.version,
    host: {
      configDir: parts.configDir,
      logger: parts.logger,
      emit: app.events.emit,
      exclusive: (work) => parts.exclusive(work),
      running: () => app.snapshot?.config ?? null,
      apply: async (config) => {
        const r = await app.apply(config)
        return r.ok ? { ok: true } : r
      },
      applyDirectory: async () => {
        const next = await diagnoseConfigDir(parts.configDir)
        if (next.config === null) return next.errors.map(formatDiagnostic).join('; ')
        const r = await app.apply(next.config)
        if (!r.ok) return r.error.map(formatDiagnostic).join('; ')
        app.events.emit({ severity: 'info', category: 'config', name: 'confok', objects: { directory: parts.configDir }, message: `configuration applied (version ${String(r.value.version)}, from the cluster)` })
        return null
      },
      statistics: async () => captureStatistics(await appStatistics(app, systemClock.nowMs())),
      applySessions: (batch) => {
        const now = systemClock.monoMs()
        const workers = parts.workers()
        for (const [cls, key, node] of batch) {
          app.persistence.applyRemote(cls, key, node, now)
          workers?.tell({ t: 'session', cls, key, node })
        }
      },
      membersChanged: (live) => {
        app.rates.setMembers(live)
        app.bandwidth.setMembers(live)
        parts.workers()?.clusterMembers(live)
        parts.logger.info(`cluster: ${String(live)} live member${live === 1 ? '' : 's'}; rate classes and cluster bandwidth classes get 1/${String(live)} here`)
      },
      facts: () => ({ api: parts.apiOrigin(), workers: (parts.workers()?.threadIds().length ?? 0) + 1, listeners: app.listeners().length }),
    },
  })
  // Mappings made here, in this thread; the workers' come through the primary (server.ts).
  app.persistence.onLocalChange = (cls, key, node) => {
    member.sessionChanged(cls, key, node)
  }
  return member
}

/** The cluster's cookie keys; each null when the store cannot be reached at start (then this member's own). */
export async function clusterSecrets(url: string): Promise<{ persistence: Buffer | null; generations: Buffer | null }> {
  const [persistence, generations] = await Promise.all([sharedSecret(url, 'persistence', randomBytes(32)), sharedSecret(url, 'generations', randomBytes(32))])
  return { persistence, generations }
}

/** What the API sees of the cluster. */
export function clusterView(member: ClusterMember): ClusterView {
  return {
    memberName: member.name,
    status: () => member.status(),
    refusal: () => member.refusal(),
    problems: () => member.problems(),
    memberStatistics: () => member.memberStatistics(),
  }
}
