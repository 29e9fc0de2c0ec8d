/**
 * How a process-log line looks: `text` (a timestamp, the level, the message) for people and
 * journald, `json` (one object per line) for log shippers. Extra fields travel beside the
 * message: in JSON as keys of their own, in text only as far as the message already says them.
 * @module
 */

export type LogFormat = 'text' | 'json'

/** The formats `--log-format` accepts. */
export const LOG_FORMATS: readonly LogFormat[] = ['text', 'json']

/** Structured facts about a line (event name, objects, what a reload changed). */
export type LogFields = Readonly<Record<string, unknown>>

/** Keys a line's own data uses; fields with these names are renamed so they cannot replace it. */
const RESERVED = new Set(['time', 'level', 'msg'])

/**
 * One line, without its newline. `timeMs` is wall-clock milliseconds since the epoch; text lines
 * carry it as ISO 8601 in UTC with milliseconds, JSON lines as `time` in the same form.
 */
export function formatLogLine(format: LogFormat, timeMs: number, level: string, message: string, fields?: LogFields): string {
  const time = new Date(timeMs).toISOString()
  // Later lines of a message (a rule's source line and caret) are indented, so every line that
  // starts in the first column starts with a timestamp.
  if (format === 'text') return `${time} ${level.toUpperCase()} ${message.includes('\n') ? message.replace(/\n/g, '\n  ') : message}`
  const record: Record<string, unknown> = { time, level, msg: message }
  if (fields !== undefined) {
    for (const [k, v] of Object.entries(fields)) if (v !== undefined) record[RESERVED.has(k) ? `field_${k}` : k] = v
  }
  return JSON.stringify(record)
}
