export { SEVERITIES } from './event.ts'
export type { Severity, SluiceEvent, EventInput, EventSink } from './event.ts'
export { EventLog } from './event-log.ts'
