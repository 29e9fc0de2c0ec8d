/**
 * The `sluice` command.
 * @module
 */
import { readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createLogger, errorMessage, type LogLevel } from '../core/index.ts'
import { parseArgs } from './args.ts'
import { checkConfig } from './check.ts'
import { startCommand } from './start.ts'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

function version(): string {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version?: string }
  return pkg.version ?? '0.0.0'
}

const HELP = `Usage: sluice <command> [options]

Commands:
  start    Run the traffic manager.
           --config DIR        configuration directory (default: the built-in quick-start
                               configuration, with three demo nodes on 127.0.0.1:9001-9003)
           --log-level LEVEL   debug | info | warn | error (default info)
           --drain-seconds N   on SIGTERM/SIGINT, time allowed for in-flight requests (default 10)
           SIGHUP re-reads the configuration directory.
  check    Validate a configuration without starting anything.
           --config DIR        configuration directory (required)
           Exit status 0 when valid, 1 when not.
  help     Show this text.
  version  Print the version.
`

async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseArgs(argv)
  if (!parsed.ok) {
    process.stderr.write(`sluice: ${parsed.error}\n\n${HELP}`)
    return 2
  }
  const { command, options, flags } = parsed.value
  if (flags.has('help') || command === 'help' || command === '') {
    process.stdout.write(HELP)
    return command === '' && !flags.has('help') ? 2 : 0
  }
  if (flags.has('version') || command === 'version') {
    process.stdout.write(`sluice ${version()}\n`)
    return 0
  }
  const levelText = options.get('log-level') ?? 'info'
  if (!['debug', 'info', 'warn', 'error'].includes(levelText)) {
    process.stderr.write(`sluice: --log-level must be debug, info, warn or error\n`)
    return 2
  }
  const logger = createLogger(levelText as LogLevel)
  switch (command) {
    case 'check': {
      const dir = options.get('config')
      if (dir === undefined) {
        process.stderr.write('sluice check: --config DIR is required\n')
        return 2
      }
      return checkConfig(resolve(dir), (line) => process.stdout.write(line + '\n'))
    }
    case 'start': {
      const drainText = options.get('drain-seconds') ?? '10'
      const drainSeconds = Number(drainText)
      if (!Number.isFinite(drainSeconds) || drainSeconds < 0) {
        process.stderr.write('sluice start: --drain-seconds must be a number of seconds\n')
        return 2
      }
      const dir = options.get('config')
      return startCommand({
        configDir: dir === undefined ? join(ROOT, 'examples', 'quickstart', 'config') : resolve(dir),
        withDemoNodes: dir === undefined,
        drainMs: drainSeconds * 1000,
        logger,
        version: version(),
        out: (line) => process.stdout.write(line + '\n'),
      })
    }
    default:
      process.stderr.write(`sluice: unknown command "${command}"\n\n${HELP}`)
      return 2
  }
}

process.on('uncaughtException', (e: unknown) => {
  process.stderr.write(`sluice: internal error: ${e instanceof Error ? (e.stack ?? e.message) : errorMessage(e)}\n`)
  process.exit(1)
})
process.on('unhandledRejection', (e: unknown) => {
  process.stderr.write(`sluice: internal error: ${e instanceof Error ? (e.stack ?? e.message) : errorMessage(e)}\n`)
  process.exit(1)
})

process.exitCode = await main(process.argv.slice(2))
