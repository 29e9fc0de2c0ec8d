/**
 * Command-line parsing for the `sluice` command: a command word, then `--name value` options.
 * @module
 */
import { err, ok, type Result } from '../core/index.ts'

export interface ParsedArgs {
  readonly command: string
  readonly options: ReadonlyMap<string, string>
  readonly flags: ReadonlySet<string>
  /** Words after the command (`user add NAME`, `help start`). */
  readonly positionals: readonly string[]
}

/** Options that take a value; everything else starting with `--` is a flag. */
const VALUED = new Set(['config', 'log-level', 'log-format', 'drain-seconds', 'workers', 'api', 'role', 'user', 'virtual-server', 'url', 'canary', 'cluster', 'member-name'])

/** Commands that take words after their name (`user add NAME`, `help start`, `cache purge`). */
const WITH_WORDS = new Set(['user', 'help', 'cache', 'generation', 'cluster'])

export function parseArgs(argv: readonly string[]): Result<ParsedArgs, string> {
  let command = ''
  const options = new Map<string, string>()
  const flags = new Set<string>()
  const positionals: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? ''
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=')
      const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq)
      if (VALUED.has(name)) {
        const value = eq === -1 ? argv[++i] : arg.slice(eq + 1)
        if (value === undefined || value === '') return err(`option --${name} needs a value`)
        options.set(name, value)
      } else {
        flags.add(name)
      }
    } else if (arg === '-h') {
      flags.add('help')
    } else if (arg === '-V') {
      flags.add('version')
    } else if (command === '') {
      command = arg
    } else if (WITH_WORDS.has(command)) {
      positionals.push(arg)
    } else {
      return err(`unexpected argument "${arg}"`)
    }
  }
  return ok({ command, options, flags, positionals })
}
