/**
 * The record of one finished transaction for the request log (built only for one that is logged).
 * @module
 */
import type { Pool, PoolNode } from '../pool/index.ts'
import type { HttpService, TransactionRecord } from '../snapshot/index.ts'
import type { Exchange } from './exchange.ts'
import type { RequestHead } from './request-head.ts'

/** What the exchange knows only as it finishes. */
export interface Outcome {
  readonly status: number
  readonly response: { readonly headers: readonly string[] } | null
  readonly durationMs: number
  readonly pool: Pool | null
  readonly node: PoolNode | null
}

export function transactionRecord(ex: Exchange, service: HttpService, request: RequestHead, o: Outcome): TransactionRecord {
  return {
    service,
    clientIp: ex.down.clientIp,
    // Wall time is read only for a record that is logged: now, less the duration.
    startWallMs: ex.deps.clock.nowMs() - o.durationMs,
    request,
    status: o.status,
    response: o.response,
    bytesIn: ex.bytesIn,
    bytesOut: ex.bytesOut,
    durationMs: o.durationMs,
    nodeResponseMs: ex.leg.nodeResponseMs,
    pool: o.pool,
    node: o.node,
  }
}
