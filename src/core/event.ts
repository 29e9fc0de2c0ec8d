/**
 * Events: things that happened which an operator or an orchestrator may act on. Names follow
 * vTM's event catalogue (`pools/nodefail`, `monitors/monitorok`, ...). The shape lives in core so
 * that any module can raise one; the event log and actions are events/.
 * @module
 */

/** vTM's severities, lowest first. */
export const SEVERITIES = ['info', 'warn', 'serious', 'fatal'] as const
export type Severity = (typeof SEVERITIES)[number]

export interface SluiceEvent {
  /** Increasing sequence number within this process. */
  readonly id: number
  /** Wall-clock milliseconds since the epoch. */
  readonly timeMs: number
  readonly severity: Severity
  /** vTM category: `pools`, `monitors`, `config`, `rules`, `vservers`, `trafficscript`, ... */
  readonly category: string
  /** vTM event name within the category: `nodefail`, `pooldied`, `confok`, ... */
  readonly name: string
  /** Objects involved, by type: `{ pool: 'web', node: '10.0.0.1:80' }`. */
  readonly objects: Readonly<Record<string, string>>
  readonly message: string
}

/** What producers hand to the log; id and time are filled in there. */
export type EventInput = Omit<SluiceEvent, 'id' | 'timeMs'>

/** Anything that can take an event: the event log, or a test recorder. */
export type EventSink = (event: EventInput) => void
