/**
 * Before Sluice answers a request itself (an error page, a rule's response), the request body it
 * will not forward is skipped if it has all arrived, so the connection can carry on.
 * @module
 */
import type { Downstream } from './downstream.ts'
import type { RequestHead } from './request-head.ts'
import { completeBody } from './rule-session.ts'

/** Skips `req`'s body when it is all here already; false when it is still arriving. */
export function dropRequestBody(down: Downstream, req: RequestHead | null, bodyReplaced: boolean): boolean {
  if (req === null || bodyReplaced) return true
  if (!req.isChunked && req.contentLength <= 0) return true
  const found = completeBody(down.pendingBytes(), 0, req.isChunked, req.contentLength)
  if (found === null) return false
  down.dropPending(found.rawBytes)
  return true
}
