/**
 * The `sluice` command.
 * @module
 */
import { resolve } from 'node:path'
import { LOG_FORMATS, LOG_LEVELS, createLogger, errorMessage, type Logger } from '../core/index.ts'
import { parseArgs, type ParsedArgs } from './args.ts'
import { EXIT_USAGE, findCommand, type CommandHelp } from './commands.ts'
import { commandHelp, overviewHelp } from './help.ts'
import { parseRuleTestArgs } from './rule-test-args.ts'
import { QUICKSTART_CONFIG_DIR, sluiceVersion, versionLine } from './version.ts'

// The commands load the traffic manager (or the rules engine) only when they run, so
// `sluice --version` and `sluice help` answer at once.

function usageError(message: string, command?: CommandHelp): number {
  const hint = command === undefined ? "run 'sluice help' for the commands" : `run 'sluice help ${command.name}' for its options`
  process.stderr.write(`sluice${command === undefined ? '' : ` ${command.name}`}: ${message}; ${hint}\n`)
  return EXIT_USAGE
}

/** The first option given that `command` does not take, if any. */
function unknownOption(command: CommandHelp, args: ParsedArgs): string | undefined {
  const known = new Set(command.options.map((o) => o.name.slice(2)))
  return [...args.options.keys(), ...args.flags].find((name) => !known.has(name))
}

async function main(argv: readonly string[]): Promise<number> {
  if (argv[0] === 'rule') return ruleCommand(argv.slice(1))
  const parsed = parseArgs(argv)
  if (!parsed.ok) return usageError(parsed.error)
  const { command: word, options, flags, positionals } = parsed.value
  if (flags.has('version') || (word === 'version' && !flags.has('help'))) {
    process.stdout.write(versionLine() + '\n')
    return 0
  }
  if (word === '' || (word === 'help' && positionals.length === 0 && !flags.has('help'))) {
    const asked = flags.has('help') || word === 'help'
    ;(asked ? process.stdout : process.stderr).write(overviewHelp())
    return asked ? 0 : EXIT_USAGE
  }
  if (word === 'help' && positionals.length > 0) {
    const target = findCommand(positionals)
    if (target === undefined) return usageError(`no command "${positionals.join(' ')}"`)
    process.stdout.write(commandHelp(target))
    return 0
  }
  const command = findCommand([word, ...positionals])
  if (command === undefined) return usageError(`unknown command "${word}"`)
  if (flags.has('help')) {
    process.stdout.write(commandHelp(command))
    return 0
  }
  const unknown = unknownOption(command, parsed.value)
  if (unknown !== undefined) return usageError(`unknown option --${unknown}`, command)
  switch (command.name) {
    case 'check': {
      const dir = options.get('config')
      if (dir === undefined) return usageError('--config DIR is required', command)
      const stdout = (line: string) => process.stdout.write(line + '\n')
      const stderr = (line: string) => process.stderr.write(line + '\n')
      const { checkConfig } = await import('./check.ts')
      return checkConfig(resolve(dir), stdout, flags.has('effective') ? { printEffective: stdout, report: stderr } : undefined)
    }
    case 'user add':
      return userCommand(positionals, options.get('role') ?? 'admin', options.get('config'))
    case 'start':
      return start(command, options)
    case 'cache purge':
      return purgeCommand(command, options, flags)
    case 'cluster status':
      return clusterStatusCommand(command, options)
    case 'generation status':
    case 'generation deploy':
    case 'generation rollback':
    case 'generation reap':
    case 'generation canary':
      return generationVerb(command, positionals.slice(1), options, flags)
    default:
      return usageError(`unknown command "${word}"`)
  }
}

async function start(command: CommandHelp, options: ReadonlyMap<string, string>): Promise<number> {
  const level = options.get('log-level') ?? 'info'
  if (!isOneOf(level, LOG_LEVELS)) return usageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}`, command)
  const format = options.get('log-format') ?? 'text'
  if (!isOneOf(format, LOG_FORMATS)) return usageError(`--log-format must be one of ${LOG_FORMATS.join(', ')}`, command)
  const drainSeconds = Number(options.get('drain-seconds') ?? '10')
  if (!Number.isFinite(drainSeconds) || drainSeconds < 0) return usageError('--drain-seconds must be a number of seconds', command)
  const workersText = options.get('workers')
  const workers = workersText === undefined ? undefined : Number(workersText)
  if (workers !== undefined && (!Number.isInteger(workers) || workers < 1 || workers > 256)) return usageError('--workers must be a whole number from 1 to 256', command)
  const logger = createLogger(level, undefined, { format })
  crashLog = logger
  const dir = options.get('config')
  const { startCommand } = await import('./start.ts')
  return startCommand({
    configDir: dir === undefined ? QUICKSTART_CONFIG_DIR : resolve(dir),
    withDemoNodes: dir === undefined,
    drainMs: drainSeconds * 1000,
    logger,
    version: sluiceVersion(),
    out: (line) => {
      logger.info(line)
    },
    ...(options.has('api') ? { api: options.get('api') ?? '' } : {}),
    ...(workers === undefined ? {} : { workers }),
    ...(options.has('cluster') ? { cluster: options.get('cluster') ?? '' } : {}),
    ...(options.has('member-name') ? { memberName: options.get('member-name') ?? '' } : {}),
  })
}

function isOneOf<T extends string>(value: string, allowed: readonly T[]): value is T {
  return (allowed as readonly string[]).includes(value)
}

/** `sluice rule test ...`: its options repeat, so it has its own parser. */
async function ruleCommand(words: readonly string[]): Promise<number> {
  const command = findCommand(['rule', 'test'])
  if (command === undefined) return usageError('unknown command "rule"')
  if (words.includes('--help') || words.includes('-h')) {
    process.stdout.write(commandHelp(command))
    return 0
  }
  if (words[0] !== 'test') return usageError(`unknown command "rule${words[0] === undefined ? '' : ` ${words[0]}`}"`)
  const parsed = parseRuleTestArgs(words.slice(1))
  if (!parsed.ok) {
    return usageError(parsed.error, command)
  }
  const { ruleTestCommand } = await import('./rule-test.ts')
  return ruleTestCommand(parsed.value, (line) => process.stdout.write(line + '\n'), (line) => process.stderr.write(line + '\n'))
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

/** `sluice user add NAME --role ROLE --config DIR`, password on standard input. */
async function purgeCommand(command: CommandHelp, options: ReadonlyMap<string, string>, flags: ReadonlySet<string>): Promise<number> {
  const api = options.get('api')
  const user = options.get('user')
  if (api === undefined || user === undefined) return usageError('--api URL and --user NAME are required', command)
  const url = options.get('url')
  if (flags.has('prefix') && url === undefined) return usageError('--prefix needs --url', command)
  const password = (await readStdin()).split(/\r?\n/)[0] ?? ''
  if (password === '') return usageError("the user's password must be the first line of standard input", command)
  const { cachePurge } = await import('./cache-purge.ts')
  return cachePurge(
    { api, user, password, virtualServer: options.get('virtual-server'), url, isPrefix: flags.has('prefix') },
    (line) => process.stdout.write(line + '\n'),
    (line) => process.stderr.write(line + '\n'),
  )
}

/** `sluice cluster status`, password on standard input. */
async function clusterStatusCommand(command: CommandHelp, options: ReadonlyMap<string, string>): Promise<number> {
  const user = options.get('user')
  if (user === undefined) return usageError('--user NAME is required', command)
  const password = (await readStdin()).split(/\r?\n/)[0] ?? ''
  if (password === '') return usageError("the user's password must be the first line of standard input", command)
  const { clusterStatus } = await import('./cluster-status.ts')
  return clusterStatus(
    { api: options.get('api') ?? 'http://127.0.0.1:9070', user, password },
    (line) => process.stdout.write(line + '\n'),
    (line) => process.stderr.write(line + '\n'),
  )
}

/** `sluice generation VERB VS [GENERATION]`, password on standard input. */
async function generationVerb(command: CommandHelp, words: readonly string[], options: ReadonlyMap<string, string>, flags: ReadonlySet<string>): Promise<number> {
  const verb = command.name.split(' ')[1]
  if (verb !== 'status' && verb !== 'deploy' && verb !== 'rollback' && verb !== 'reap' && verb !== 'canary') return usageError(`unknown command "${command.name}"`)
  // VS may be left out when one virtual server has generations (the command asks the API).
  const takesGeneration = verb === 'deploy' || verb === 'reap'
  if (words.length > (takesGeneration ? 2 : 1)) return usageError(`usage: ${command.usage}`, command)
  if (verb === 'reap' && words.length === 0) return usageError('name the GENERATION to reap', command)
  const user = options.get('user')
  if (user === undefined) return usageError('--user NAME is required', command)
  const canaryText = options.get('canary')
  const canaryPercent = canaryText === undefined ? undefined : Number(canaryText)
  if (canaryPercent !== undefined && (!/^\d{1,3}$/.test(canaryText ?? '') || canaryPercent > 100)) return usageError('--canary must be a whole number from 0 to 100', command)
  if (verb === 'canary' && canaryPercent === undefined) return usageError('--canary PERCENT is required', command)
  const password = (await readStdin()).split(/\r?\n/)[0] ?? ''
  if (password === '') return usageError("the user's password must be the first line of standard input", command)
  const { generationCommand } = await import('./generation.ts')
  return generationCommand(
    { api: options.get('api') ?? 'http://127.0.0.1:9070', user, password, verb, words, force: flags.has('force'), canaryPercent },
    (line) => process.stdout.write(line + '\n'),
    (line) => process.stderr.write(line + '\n'),
  )
}

async function userCommand(words: readonly string[], role: string, dir: string | undefined): Promise<number> {
  const [verb, name] = words
  if (verb !== 'add' || name === undefined || words.length !== 2 || dir === undefined) {
    process.stderr.write('usage: sluice user add NAME --role admin|readonly --config DIR  (password on standard input)\n')
    return EXIT_USAGE
  }
  if (role !== 'admin' && role !== 'readonly') {
    process.stderr.write('sluice user: --role must be admin or readonly\n')
    return EXIT_USAGE
  }
  if (!/^[A-Za-z0-9._@-]{1,64}$/.test(name)) {
    process.stderr.write('sluice user: NAME may use letters, digits and . _ @ - (at most 64)\n')
    return EXIT_USAGE
  }
  const password = (await readStdin()).split(/\r?\n/)[0] ?? ''
  if (password.length < 8) {
    process.stderr.write('sluice user: the password (first line of standard input) must have at least 8 characters\n')
    return EXIT_USAGE
  }
  const { hashPassword, saveUser, usersFilePath } = await import('../api/index.ts')
  const file = usersFilePath(resolve(dir))
  const saved = await saveUser(file, { name, role, passwordHash: await hashPassword(password) })
  if (!saved.ok) {
    process.stderr.write(`sluice user: ${saved.error}\n`)
    return 1
  }
  process.stdout.write(`user ${name} (${role}) saved in ${file}\n`)
  return 0
}

/** Where a crash is reported: the process log of `start` once it exists, plain stderr before. */
let crashLog: Logger = createLogger('error')

const crashed = (e: unknown) => {
  crashLog.error(`internal error: ${e instanceof Error ? (e.stack ?? e.message) : errorMessage(e)}`)
  process.exit(1)
}
process.on('uncaughtException', crashed)
process.on('unhandledRejection', crashed)

process.exitCode = await main(process.argv.slice(2))
