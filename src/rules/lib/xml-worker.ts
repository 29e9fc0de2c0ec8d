/**
 * The XML worker thread: runs xml.* jobs on large bodies off the event loop. It loads its own
 * copy of the addon and compiles its own stylesheets and schemas (handles cannot cross threads).
 * @module
 */
import { parentPort } from 'node:worker_threads'
import { XmlSourceCache, runXmlJob, type XmlJob, type XmlJobResult } from './xml-jobs.ts'
import { xmlSupport } from './xml-native.ts'

/** A message to the worker, and its answer. */
export interface XmlWorkerRequest {
  readonly id: number
  readonly job: XmlJob
}
export interface XmlWorkerReply {
  readonly id: number
  readonly result: XmlJobResult
}

const support = xmlSupport()
const sources = new XmlSourceCache(support)

function run(job: XmlJob): XmlJobResult {
  if (!support.ok) return { ok: false, reason: support.reason }
  if (!('source' in job)) return runXmlJob(support.addon, job, null)
  const compiled = sources.get(job.source)
  return compiled.ok ? runXmlJob(support.addon, job, compiled.handle) : { ok: false, reason: compiled.reason }
}

parentPort?.on('message', (m: XmlWorkerRequest) => {
  let result: XmlJobResult
  try {
    result = run(m.job)
  } catch (e: unknown) {
    // The addon throws only on a wrong argument type: a defect, reported as the call's failure.
    result = { ok: false, reason: `internal error: ${e instanceof Error ? e.message : String(e)}` }
  }
  const reply: XmlWorkerReply = { id: m.id, result }
  parentPort?.postMessage(reply)
})
