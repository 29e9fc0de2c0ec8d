/**
 * The `sluice` command.
 * @module
 */
import { readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { hashPassword, saveUser, usersFilePath } from '../api/index.ts'
import { createLogger, errorMessage, type LogLevel } from '../core/index.ts'
import { parseArgs } from './args.ts'
import { checkConfig } from './check.ts'
import { parseRuleTestArgs } from './rule-test-args.ts'
import { ruleTestCommand } from './rule-test.ts'
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
           --api HOST:PORT     REST API address (default 127.0.0.1:9070, or "listen" in
                               DIR/.sluice/api.json); "off" disables it. Any address other
                               than loopback needs tls_cert/tls_key in api.json and users.
                               If DIR has no API users, the first start creates "admin" and
                               prints its password once.
           SIGHUP re-reads the configuration directory.
  user add NAME --role admin|readonly --config DIR
           Create or replace an API user; the password is read from standard input.
  check    Validate a configuration without starting anything.
           --config DIR        configuration directory (required)
           Exit status 0 when valid, 1 when not.
  rule test RULEFILE... [options]
           Run TrafficScript rules once against a described request and print what they
           decided (pool, generated response, redirect, discard), what they changed, and
           what they logged. Rules run in the order given, as one rule list.
           --config DIR        take rules by name from DIR/rules; pool.* sees DIR's pools
           --method M  --url URL (path or absolute URL)  --header 'Name: value' (repeat)
           --body TEXT | --body-file F   --client IP   --tls   --node HOST:PORT
           --phase request|response|completion (default request)
           --response-status N  --response-header 'Name: value' (repeat)
           --response-body TEXT | --response-body-file F
           --http-response URL=STATUS:BODY   answer for http.request.* (repeat; others fail)
           --max-instr N   --variable-pool-use   --json
           Exit status 0 when the rules ran, 3 when a rule was aborted, 1 on rule errors.
  help     Show this text.
  version  Print the version.
`

async function main(argv: readonly string[]): Promise<number> {
  if (argv[0] === 'rule') return ruleCommand(argv.slice(1))
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
    case 'user':
      return userCommand(parsed.value.positionals, options.get('role') ?? 'admin', options.get('config'))
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
        ...(options.has('api') ? { api: options.get('api') ?? '' } : {}),
      })
    }
    default:
      process.stderr.write(`sluice: unknown command "${command}"\n\n${HELP}`)
      return 2
  }
}

/** `sluice rule test ...`: its options repeat, so it has its own parser. */
async function ruleCommand(words: readonly string[]): Promise<number> {
  if (words[0] !== 'test' || words.includes('--help') || words.includes('-h')) {
    process.stderr.write('usage: sluice rule test RULEFILE... [options]  (sluice help lists the options)\n')
    return words[0] === 'test' ? 0 : 2
  }
  const parsed = parseRuleTestArgs(words.slice(1))
  if (!parsed.ok) {
    process.stderr.write(`sluice rule test: ${parsed.error}\n`)
    return 2
  }
  return ruleTestCommand(parsed.value, (line) => process.stdout.write(line + '\n'), (line) => process.stderr.write(line + '\n'))
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

/** `sluice user add NAME --role ROLE --config DIR`, password on standard input. */
async function userCommand(words: readonly string[], role: string, dir: string | undefined): Promise<number> {
  const [verb, name] = words
  if (verb !== 'add' || name === undefined || words.length !== 2 || dir === undefined) {
    process.stderr.write('usage: sluice user add NAME --role admin|readonly --config DIR  (password on standard input)\n')
    return 2
  }
  if (role !== 'admin' && role !== 'readonly') {
    process.stderr.write('sluice user: --role must be admin or readonly\n')
    return 2
  }
  if (!/^[A-Za-z0-9._@-]{1,64}$/.test(name)) {
    process.stderr.write('sluice user: NAME may use letters, digits and . _ @ - (at most 64)\n')
    return 2
  }
  const password = (await readStdin()).split(/\r?\n/)[0] ?? ''
  if (password.length < 8) {
    process.stderr.write('sluice user: the password (first line of standard input) must have at least 8 characters\n')
    return 2
  }
  const file = usersFilePath(resolve(dir))
  const saved = await saveUser(file, { name, role, passwordHash: await hashPassword(password) })
  if (!saved.ok) {
    process.stderr.write(`sluice user: ${saved.error}\n`)
    return 1
  }
  process.stdout.write(`user ${name} (${role}) saved in ${file}\n`)
  return 0
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
