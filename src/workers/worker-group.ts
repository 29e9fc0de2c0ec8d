/**
 * The primary's side of the data-plane workers (issue #15): starts the worker threads, hands
 * each configuration to all of them, relays what one worker tells the others (node health,
 * passive failures, sessions, `data.*`), gathers statistics, watches heartbeats, replaces a
 * worker that dies or hangs, and stops them all.
 * @module
 */
import { Worker } from 'node:worker_threads'
import type { ValidConfig } from '../config/index.ts'
import type { Logger } from '../core/index.ts'
import type { EventInput } from '../events/index.ts'
import type { RateShaper } from '../rules/index.ts'
import type { StatsCapture } from '../stats/index.ts'
import type { WorkerInfo } from './protocol.ts'
import { answerRate } from './remote-rates.ts'
import { NodeSlots, reclaimCounts } from '../pool/index.ts'
import type { FromWorker, SharedNews, ToWorker, WorkerStart } from './protocol.ts'

/** What the group needs of the primary's own data plane. */
export interface PrimaryHost {
  readonly logger: Logger
  /** Events raised in a worker, and the group's own, go to the primary's event log. */
  emit(input: EventInput): void
  /** News from a worker, applied to the primary's own state. */
  applyNews(news: SharedNews): void
  /** The primary's rate classes, which answer every worker's `rate.*` calls. */
  readonly rates: RateShaper
  /** The configuration to give a replacement worker, with its placements and ports. */
  current(): WorkerConfig | null
  /** Every node a monitor holds dead now, for a replacement worker. */
  deadNodes(): readonly SharedNews[]
  /** Every session mapping the primary holds, for a new worker: [table, key, node, idle ms]. */
  sessionsNow(): readonly (readonly [string, string, string, number])[]
  /** Worker `index` has ended and its part of the shared counts was taken out. */
  reclaimed(index: number): void
}

/** One configuration as the workers receive it. */
export interface WorkerConfig {
  readonly config: ValidConfig
  readonly placements: readonly (readonly [string, number])[]
  readonly ports: readonly (readonly [string, number])[]
}

export interface WorkerGroupOptions {
  /** How many worker threads besides the primary. */
  readonly extra: number
  readonly entry: URL
  readonly start: Omit<WorkerStart, 'index' | 'ownCounts' | 'sessions'>
  /** A worker silent this long is considered hung and replaced (`watchdog.timeout`). */
  readonly stallMs: number
  readonly host: PrimaryHost
}

interface Member {
  readonly index: number
  worker: Worker
  /** This place's part of the shared node counts (kept for its next worker, after reclaiming). */
  readonly ownCounts: SharedArrayBuffer
  /** Between ending a worker and starting its replacement. */
  isReplacing: boolean
  lastBeatMs: number
  /** Set once its first configuration is applied: it counts for statistics and news. */
  isReady: boolean
  /** Times this place's worker was replaced. */
  restarts: number
}

/** How long a worker may take to answer a statistics request before it is left out. */
const STATISTICS_TIMEOUT_MS = 1000
/** How long a worker may take to apply a configuration. */
const APPLY_TIMEOUT_MS = 30_000

export class WorkerGroup {
  readonly #opts: WorkerGroupOptions
  readonly #members: Member[] = []
  readonly #pending = new Map<number, (msg: FromWorker) => void>()
  #nextId = 1
  #isStopping = false
  #watchdog: NodeJS.Timeout | null = null

  constructor(opts: WorkerGroupOptions) {
    this.#opts = opts
  }

  /** Workers besides the primary. */
  get size(): number {
    return this.#members.length
  }

  /** Starts every worker on `first`; resolves once all have applied it (or one could not). */
  async start(first: WorkerConfig): Promise<string | null> {
    for (let i = 1; i <= this.#opts.extra; i++) this.#members.push(this.#spawn(i))
    const problems = await Promise.all(this.#members.map((m) => this.#applyTo(m, first)))
    const problem = problems.find((p) => p !== null)
    this.#watchdog = setInterval(() => {
      this.#checkHeartbeats()
    }, Math.max(100, Math.min(1000, this.#opts.stallMs / 4)))
    this.#watchdog.unref()
    return problem ?? null
  }

  /** Every worker switches to `next`; the problems of those that could not. */
  async apply(next: WorkerConfig): Promise<string[]> {
    const problems = await Promise.all(this.#members.map((m) => this.#applyTo(m, next)))
    return problems.filter((p) => p !== null)
  }

  /** Tells every worker but `except` (the one it came from) of `news`. */
  /** How many live members the cluster has, for every worker's bandwidth classes. */
  clusterMembers(live: number): void {
    for (const m of this.#members) m.worker.postMessage({ t: 'cluster-members', live } satisfies ToWorker)
  }

  tell(news: SharedNews, except: number = -1): void {
    for (const m of this.#members) if (m.index !== except) m.worker.postMessage(news satisfies ToWorker)
  }

  /** Every ready worker's statistics, fresh; a worker that does not answer in time is left out. */
  async statistics(): Promise<StatsCapture[]> {
    const answers = await Promise.all(
      this.#members.filter((m) => m.isReady).map((m) => this.#ask(m, (id) => ({ t: 'statistics', id }), STATISTICS_TIMEOUT_MS)),
    )
    const out: StatsCapture[] = []
    for (const a of answers) if (a?.t === 'statistics') out.push(a.capture)
    return out
  }

  /** The workers besides the primary: thread, connections accepted, restarts. */
  async list(): Promise<WorkerInfo[]> {
    const answers = await Promise.all(this.#members.map((m) => this.#ask(m, (id) => ({ t: 'statistics', id }), STATISTICS_TIMEOUT_MS)))
    return this.#members.map((m, i) => {
      const a = answers[i]
      return { index: m.index, threadId: m.worker.threadId, accepted: a?.t === 'statistics' ? a.accepted : 0, restarts: m.restarts }
    })
  }

  /** Ends worker `index` at once and starts another in its place; false when there is none. */
  restart(index: number): boolean {
    const member = this.#members.find((m) => m.index === index)
    if (member === undefined || this.#isStopping) return false
    this.#replace(member, 'workerrestarted', `worker ${String(index)} was restarted on request; its connections were lost; a new worker takes its place`)
    return true
  }

  /** Every running worker's own open connections per protection class id and address. */
  async addressCounts(): Promise<Map<number, Map<string, number>>[]> {
    const running = this.#members.filter((m) => !m.isReplacing)
    const answers = await Promise.all(running.map((m) => this.#ask(m, (id) => ({ t: 'address-counts', id }), STATISTICS_TIMEOUT_MS)))
    const out: Map<number, Map<string, number>>[] = []
    for (const a of answers) if (a?.t === 'address-counts') out.push(a.counts)
    return out
  }

  /** Purges every worker's web cache; the entries that went (the most any one worker held). */
  async purgeCaches(virtualServer: string | null, key: string, isPrefix: boolean): Promise<number> {
    const answers = await Promise.all(this.#members.map((m) => this.#ask(m, (id) => ({ t: 'purge', id, virtualServer, key, isPrefix }), STATISTICS_TIMEOUT_MS)))
    let n = 0
    for (const a of answers) if (a?.t === 'purged') n = Math.max(n, a.count)
    return n
  }

  /** Drains every worker for up to `drainMs`, then ends them. */
  async stop(drainMs: number): Promise<void> {
    this.#isStopping = true
    if (this.#watchdog !== null) clearInterval(this.#watchdog)
    await Promise.all(
      this.#members.map(async (m) => {
        const stopped = this.#ask(m, () => ({ t: 'stop', drainMs }), drainMs + 2000)
        await stopped
        await m.worker.terminate()
      }),
    )
  }

  /** The thread ids of the workers, for tests and the status view. */
  threadIds(): number[] {
    return this.#members.map((m) => m.worker.threadId)
  }

  #spawn(index: number): Member {
    const ownCounts = NodeSlots.allocate()
    const member: Member = { index, worker: this.#launch(index, ownCounts), ownCounts, isReplacing: false, lastBeatMs: performance.now(), isReady: false, restarts: 0 }
    this.#watch(member)
    return member
  }

  #launch(index: number, ownCounts: SharedArrayBuffer): Worker {
    const data: WorkerStart = { ...this.#opts.start, index, ownCounts, sessions: this.#opts.host.sessionsNow() }
    return new Worker(this.#opts.entry, { workerData: data })
  }

  /** Listens to `member`'s current thread; what an old, replaced thread says is ignored. */
  #watch(member: Member): void {
    const worker = member.worker
    worker.on('message', (msg: FromWorker) => {
      if (member.worker === worker) this.#receive(member, msg)
    })
    worker.on('error', (e: Error) => {
      this.#opts.host.logger.error(`worker ${String(member.index)}: ${e.message}`)
    })
    worker.on('exit', (code: number) => {
      if (this.#isStopping || member.isReplacing || member.worker !== worker) return
      this.#replace(member, 'workerdied', `worker ${String(member.index)} exited (code ${String(code)}); its connections were lost; a new worker takes its place`)
    })
  }

  #receive(member: Member, msg: FromWorker): void {
    member.lastBeatMs = performance.now()
    switch (msg.t) {
      case 'beat':
        return
      case 'applied':
      case 'statistics':
      case 'purged':
      case 'address-counts':
      case 'stopped': {
        const id = msg.t === 'stopped' ? -member.index : msg.id
        const resolve = this.#pending.get(id)
        this.#pending.delete(id)
        resolve?.(msg)
        return
      }
      case 'event':
        this.#opts.host.emit(msg.input)
        return
      case 'rate': {
        const worker = member.worker
        answerRate(this.#opts.host.rates, msg.op, msg.cls, msg.key).then(
          (value) => {
            worker.postMessage({ t: 'rate', id: msg.id, value, error: null } satisfies ToWorker)
          },
          (e: unknown) => {
            worker.postMessage({ t: 'rate', id: msg.id, value: 0, error: e instanceof Error ? e.message : String(e) } satisfies ToWorker)
          },
        )
        return
      }
      case 'log':
        this.#opts.host.logger[msg.level](`worker ${String(member.index)}: ${msg.message}`)
        return
      case 'health':
      case 'passive':
      case 'session':
      case 'data':
      case 'cache':
      case 'cache-invalidate':
      case 'tls-session':
        this.#opts.host.applyNews(msg)
        this.tell(msg, member.index)
        return
    }
  }

  async #applyTo(member: Member, next: WorkerConfig): Promise<string | null> {
    const answer = await this.#ask(member, (id) => ({ t: 'apply', id, ...next }), APPLY_TIMEOUT_MS)
    if (answer?.t !== 'applied') return `worker ${String(member.index)} did not apply the configuration in time`
    if (answer.error === null) member.isReady = true
    return answer.error === null ? null : `worker ${String(member.index)}: ${answer.error}`
  }

  /** Sends a request and waits for its answer (undefined on timeout). Stop answers by worker. */
  #ask(member: Member, make: (id: number) => ToWorker, timeoutMs: number): Promise<FromWorker | undefined> {
    const message = make(this.#nextId++)
    const id = message.t === 'stop' ? -member.index : 'id' in message && typeof message.id === 'number' ? message.id : 0
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id)
        resolve(undefined)
      }, timeoutMs)
      this.#pending.set(id, (msg) => {
        clearTimeout(timer)
        resolve(msg)
      })
      member.worker.postMessage(message)
    })
  }

  #checkHeartbeats(): void {
    if (this.#isStopping) return
    const now = performance.now()
    for (const m of this.#members) {
      if (m.isReplacing || now - m.lastBeatMs <= this.#opts.stallMs) continue
      this.#replace(m, 'workerhung', `worker ${String(m.index)} sent no heartbeat for ${String(Math.round((now - m.lastBeatMs) / 1000))} s; it was ended, its connections were lost, and a new worker takes its place`)
    }
  }

  /** Ends `member`'s thread (if still running) and starts another in its place. */
  #replace(member: Member, name: string, message: string): void {
    if (member.isReplacing) return
    member.isReplacing = true
    member.isReady = false
    member.restarts++
    this.#opts.host.emit({ severity: 'serious', category: 'general', name, objects: { worker: String(member.index) }, message })
    // The old thread is ended first: its part of the shared node counts can only be taken out
    // once it can no longer write it, and before its replacement starts counting.
    void member.worker.terminate().then(() => {
      reclaimCounts(new Int32Array(this.#opts.start.nodeCounts), new Int32Array(member.ownCounts))
      this.#opts.host.reclaimed(member.index)
      if (this.#isStopping) return
      member.worker = this.#launch(member.index, member.ownCounts)
      member.lastBeatMs = performance.now()
      member.isReplacing = false
      this.#watch(member)
      const current = this.#opts.host.current()
      if (current === null) return
      void this.#applyTo(member, current).then((problem) => {
        if (problem !== null) {
          this.#opts.host.logger.error(problem)
          return
        }
        for (const news of this.#opts.host.deadNodes()) member.worker.postMessage(news satisfies ToWorker)
      })
    })
  }
}
