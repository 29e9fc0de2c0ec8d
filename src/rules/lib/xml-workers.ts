/**
 * The XML worker: xml.* calls on bodies of XML_WORKER_MIN_BYTES or more run in one worker thread,
 * so a large document never holds the event loop (small ones cost less inline than a message
 * round trip). Calls are answered in order; past a queue bound or a deadline a call fails at
 * once with its error value. The worker starts at the first large call and does not keep the
 * process alive.
 * @module
 */
import { Worker } from 'node:worker_threads'
import type { XmlJob, XmlJobResult } from './xml-jobs.ts'
import type { XmlWorkerReply, XmlWorkerRequest } from './xml-worker.ts'

// A clone runs the .ts sources; the package runs them compiled to .js (dist/).
const WORKER_SCRIPT = new URL(import.meta.url.endsWith('.ts') ? './xml-worker.ts' : './xml-worker.js', import.meta.url)

/** Bodies this large or larger are parsed in the worker. */
export const XML_WORKER_MIN_BYTES = 64 * 1024

export interface XmlWorkerLimits {
  /** Calls waiting or running in the worker; one more fails at once ("busy"). */
  readonly maxQueued: number
  /** A call not answered by then fails (the worker goes on; its late answer is dropped). */
  readonly deadlineMs: number
}

// The deadline covers the worker's start (about a second on a busy machine) for the first call.
export const DEFAULT_XML_WORKER_LIMITS: XmlWorkerLimits = { maxQueued: 32, deadlineMs: 5000 }

interface Pending {
  readonly resolve: (r: XmlJobResult) => void
  readonly timer: NodeJS.Timeout
}

export class XmlWorkerPool {
  readonly limits: XmlWorkerLimits
  #worker: Worker | null = null
  readonly #pending = new Map<number, Pending>()
  #nextId = 1

  constructor(limits: XmlWorkerLimits = DEFAULT_XML_WORKER_LIMITS) {
    this.limits = limits
  }

  /** Runs a job in the worker; resolves (never rejects) with its result or why it failed. */
  run(job: XmlJob): Promise<XmlJobResult> {
    if (this.#pending.size >= this.limits.maxQueued) {
      return Promise.resolve({ ok: false, reason: `the XML worker is busy (${String(this.limits.maxQueued)} large documents waiting)` })
    }
    const worker = this.#start()
    const id = this.#nextId++
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#settle(id, { ok: false, reason: `the XML worker did not answer within ${String(this.limits.deadlineMs)} ms` })
      }, this.limits.deadlineMs)
      // The worker keeps the process alive only while a call waits for it.
      if (this.#pending.size === 0) worker.ref()
      this.#pending.set(id, { resolve, timer })
      const request: XmlWorkerRequest = { id, job }
      worker.postMessage(request)
    })
  }

  /** Stops the worker; calls still waiting fail. */
  async close(): Promise<void> {
    const w = this.#worker
    this.#worker = null
    this.#failAll('the XML worker was stopped')
    if (w !== null) await w.terminate()
  }

  #start(): Worker {
    if (this.#worker !== null) return this.#worker
    const w = new Worker(WORKER_SCRIPT)
    w.on('message', (m: XmlWorkerReply) => { this.#settle(m.id, m.result) })
    const lost = (why: string) => {
      if (this.#worker !== w) return
      this.#worker = null
      this.#failAll(why)
    }
    w.on('error', (e: Error) => { lost(`the XML worker failed: ${e.message}`) })
    w.on('exit', (code) => { lost(`the XML worker exited (${String(code)})`) })
    // After the listeners: adding a message listener takes a reference again.
    w.unref()
    this.#worker = w
    return w
  }

  #settle(id: number, result: XmlJobResult): void {
    const p = this.#pending.get(id)
    if (p === undefined) return
    this.#pending.delete(id)
    clearTimeout(p.timer)
    if (this.#pending.size === 0) this.#worker?.unref()
    p.resolve(result)
  }

  #failAll(why: string): void {
    for (const id of [...this.#pending.keys()]) this.#settle(id, { ok: false, reason: why })
  }
}

let shared: XmlWorkerPool | undefined

/** The process's XML worker pool, made at first use. */
export function xmlWorkers(): XmlWorkerPool {
  shared ??= new XmlWorkerPool()
  return shared
}
