/**
 * The phases of an HTTP exchange: the steps a request goes through before it is routed, and a
 * response before it goes to the client, in a fixed, named order. Each virtual server's list is
 * compiled once per snapshot and holds only the phases it configures, so a feature that is not
 * configured costs nothing per request.
 *
 *   request:  protection → request-rules → cache-lookup → routing
 *   response: response-rules → compression → cache-store
 *
 * Routing is always last and always there (it starts the dialer). Phases not built yet
 * (cache lookup, compression, cache store) have their names and places here so that
 * adding one is adding an implementation, not another path through the exchange.
 * @module
 */
import type { RequestPhaseName, ResponsePhaseName } from '../snapshot/index.ts'
import type { ResponseHead } from './response-head.ts'

/** The phase is done; the next one runs. */
export const CONTINUE = 0
/** The phase answered (or dropped) the request itself: no later phase runs. */
export const RESPOND = 1
/** The phase goes on asynchronously and resumes the exchange when it is done. */
export const WAIT = 2
export type PhaseResult = typeof CONTINUE | typeof RESPOND | typeof WAIT

/**
 * What a phase may do to the exchange it runs in. Phases see this narrow face, not the
 * exchange's fields; the exchange implements it.
 */
export interface PhaseExchange {
  /** Resumes the phase list after a phase that returned WAIT. */
  resumePhases(): void
}

export interface RequestPhase<E extends PhaseExchange = PhaseExchange> {
  readonly name: RequestPhaseName
  run(exchange: E): PhaseResult
}

export interface ResponsePhase<E extends PhaseExchange = PhaseExchange> {
  readonly name: ResponsePhaseName
  /**
   * Runs on the node's response head; `buf[bodyStart..]` holds the body bytes that came with it
   * (valid until the phase returns, or while it waits).
   */
  run(exchange: E, res: ResponseHead, buf: Buffer, bodyStart: number): PhaseResult
}

/** Orders phases as REQUEST_PHASES and RESPONSE_PHASES say; a phase named twice is a bug. */
export function orderPhases<P extends { readonly name: string }>(phases: readonly P[], order: readonly string[]): readonly P[] {
  const sorted = [...phases].sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name))
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]?.name === sorted[i - 1]?.name) throw new Error(`phase ${sorted[i]?.name ?? ''} is configured twice`)
  }
  return Object.freeze(sorted)
}
