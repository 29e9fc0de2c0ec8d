/**
 * The process log (not the request log): one line per message on stderr, or captured in tests.
 * @module
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error'

const LEVEL_RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 }

export interface Logger {
  debug(message: string): void
  info(message: string): void
  warn(message: string): void
  error(message: string): void
}

/** Writes `LEVEL message` lines to a sink (stderr by default) at or above `minLevel`. */
export function createLogger(
  minLevel: LogLevel = 'info',
  sink: (line: string) => void = (line) => process.stderr.write(line + '\n'),
): Logger {
  const min = LEVEL_RANK[minLevel]
  const at = (level: LogLevel) => (message: string) => {
    if (LEVEL_RANK[level] >= min) sink(`${level.toUpperCase()} ${message}`)
  }
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }
}

/** A logger that keeps its lines, for tests. */
export function memoryLogger(): Logger & { readonly lines: string[] } {
  const lines: string[] = []
  return { lines, ...createLogger('debug', (line) => lines.push(line)) }
}
