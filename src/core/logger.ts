/**
 * The process log (not the request log): one line per message on stderr, or captured in tests.
 * @module
 */
import { formatLogLine, type LogFields, type LogFormat } from './log-format.ts'

export type LogLevel = 'debug' | 'info' | 'warn' | 'error'

/** The levels `--log-level` accepts, lowest first. */
export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error']

const LEVEL_RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 }

/** `fields` are structured facts about the line; the JSON format writes them as keys. */
export interface Logger {
  debug(message: string, fields?: LogFields): void
  info(message: string, fields?: LogFields): void
  warn(message: string, fields?: LogFields): void
  error(message: string, fields?: LogFields): void
}

export interface LoggerOptions {
  /** `text` or `json` lines, each with a timestamp; `plain` (`LEVEL message`) is for tests. */
  readonly format?: LogFormat | 'plain'
  /** Wall-clock milliseconds since the epoch. */
  readonly nowMs?: () => number
}

/** Writes lines to a sink (stderr by default) at or above `minLevel`. */
export function createLogger(
  minLevel: LogLevel = 'info',
  sink: (line: string) => void = (line) => process.stderr.write(line + '\n'),
  options: LoggerOptions = {},
): Logger {
  const min = LEVEL_RANK[minLevel]
  const format = options.format ?? 'text'
  const nowMs = options.nowMs ?? Date.now
  const at = (level: LogLevel) => (message: string, fields?: LogFields) => {
    if (LEVEL_RANK[level] < min) return
    sink(format === 'plain' ? `${level.toUpperCase()} ${message}` : formatLogLine(format, nowMs(), level, message, fields))
  }
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }
}

/** A logger that keeps its lines (`LEVEL message`, no timestamp), for tests. */
export function memoryLogger(): Logger & { readonly lines: string[] } {
  const lines: string[] = []
  return { lines, ...createLogger('debug', (line) => lines.push(line), { format: 'plain' }) }
}
