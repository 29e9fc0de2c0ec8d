/**
 * Maps a monitor's vTM configuration (`{section: {key: value}}`, snake_case keys, seconds) to a
 * `MonitorSpec`, reporting every problem at once. Defaults follow the vTM 8.3 schema.
 * @module
 */
import { isAbsolute, join } from 'node:path'
import { ok, err } from '../core/index.ts'
import type { Result } from '../core/index.ts'
import type { MonitorScope, MonitorSpec } from './types.ts'
import { MONITOR_TYPES } from './types.ts'
import { parseNodeAddress } from './node-address.ts'
import { findPingProgram, PING_DIRS } from './probe-ping.ts'
import { checkMonitorRegex } from './monitor-regex.ts'

/** One problem in a monitor's configuration. */
export interface HealthDiagnostic {
  /** `monitors/<name>`. */
  readonly object: string
  /** `section.key`, e.g. `http.status_regex`. */
  readonly key: string
  readonly message: string
}

/** Environment facts the mapping depends on. */
export interface MonitorConfigOptions {
  /** Path of `ping`; undefined searches `PING_DIRS`, null means there is none. */
  readonly pingProgram?: string | null
  /** Where relative `script.program` names live (vTM's monitor scripts directory). */
  readonly monitorScriptsDir?: string
}

/** Keys each section may hold; others are reported. Unused vTM keys are accepted and ignored. */
const KNOWN_KEYS: Readonly<Record<string, readonly string[]>> = {
  basic: [
    'type', 'delay', 'timeout', 'failures', 'back_off', 'scope', 'machine', 'use_ssl', 'verbose',
    'health_only', 'note', 'factory', 'can_edit_ssl', 'can_use_ssl', 'editable_keys',
  ],
  http: ['path', 'host_header', 'status_regex', 'body_regex', 'authentication'],
  tcp: ['write_string', 'response_regex', 'close_string', 'max_response_len'],
  script: ['program', 'arguments'],
  rtsp: ['body_regex', 'path', 'status_regex'],
  sip: ['body_regex', 'status_regex', 'transport'],
  udp: ['accept_all'],
}

const ARG_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/

/**
 * Builds a `MonitorSpec` from `props` (the `properties` object of `monitors/<name>`).
 * Fails with every diagnostic found: bad types, out-of-range numbers, unsafe or invalid regexes,
 * a missing `machine` for `poolwide`, a missing `program`, or no `ping` program on this system.
 */
export function monitorSpecFromConfig(
  name: string,
  props: Readonly<Record<string, Readonly<Record<string, unknown>>>>,
  options: MonitorConfigOptions = {},
): Result<MonitorSpec, HealthDiagnostic[]> {
  const object = `monitors/${name}`
  const diags: HealthDiagnostic[] = []
  const report = (key: string, message: string) => {
    diags.push({ object, key, message })
  }
  for (const [section, values] of Object.entries(props)) {
    const known = KNOWN_KEYS[section]
    if (known === undefined) {
      report(section, 'unknown section')
      continue
    }
    for (const key of Object.keys(values)) {
      if (!known.includes(key)) report(`${section}.${key}`, 'unknown key')
    }
  }
  const get = (section: string, key: string): unknown => props[section]?.[key]
  const str = (section: string, key: string, fallback: string): string => {
    const value = get(section, key)
    if (value === undefined) return fallback
    if (typeof value === 'string') return value
    report(`${section}.${key}`, 'must be a string')
    return fallback
  }
  const bool = (section: string, key: string, fallback: boolean): boolean => {
    const value = get(section, key)
    if (value === undefined) return fallback
    if (typeof value === 'boolean') return value
    report(`${section}.${key}`, 'must be true or false')
    return fallback
  }
  const int = (section: string, key: string, fallback: number, min: number, max: number): number => {
    const value = get(section, key)
    if (value === undefined) return fallback
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      report(`${section}.${key}`, `must be an integer from ${min} to ${max}`)
      return fallback
    }
    return value
  }
  const regex = (section: string, key: string, fallback: string): RegExp | undefined => {
    const source = str(section, key, fallback)
    if (source === '') return undefined
    const checked = checkMonitorRegex(source)
    if (!checked.ok) report(`${section}.${key}`, checked.error)
    return checked.ok ? checked.value : undefined
  }

  const typeText = str('basic', 'type', 'ping')
  const type = MONITOR_TYPES.find((t) => t === typeText)
  if (type === undefined) {
    const unsupported = typeText === 'rtsp' || typeText === 'sip'
    report('basic.type', unsupported
      ? `type '${typeText}' is not supported by Sluice`
      : `must be one of ${MONITOR_TYPES.join(', ')}`)
  }
  const scopeText = str('basic', 'scope', 'pernode')
  let scope: MonitorScope = 'pernode'
  if (scopeText === 'poolwide') scope = 'poolwide'
  else if (scopeText !== 'pernode') report('basic.scope', 'must be pernode or poolwide')
  const machine = str('basic', 'machine', '').trim()
  if (scope === 'poolwide') {
    if (machine === '') report('basic.machine', 'a poolwide monitor needs a machine to monitor')
    else {
      const parsed = parseNodeAddress(machine, type === 'ping')
      if (!parsed.ok) report('basic.machine', parsed.error)
      else if (type === 'ping' && parsed.value.port !== undefined) {
        report('basic.machine', 'a ping machine takes no port')
      }
    }
  }

  const path = str('http', 'path', '/')
  if (!path.startsWith('/')) report('http.path', "must begin with '/'")
  const statusRegex = regex('http', 'status_regex', '^[234][0-9][0-9]$') ?? /^[234][0-9][0-9]$/
  const bodyRegex = regex('http', 'body_regex', '')
  const responseRegex = regex('tcp', 'response_regex', '.+') ?? /.+/

  let program = str('script', 'program', '')
  if (type === 'program') {
    if (program === '') report('script.program', 'a program monitor needs a program')
    else if (!isAbsolute(program)) {
      if (options.monitorScriptsDir === undefined) {
        report('script.program', 'must be an absolute path (no monitor scripts directory is set)')
      } else if (program.includes('/')) {
        report('script.program', 'a name in the monitor scripts directory cannot contain /')
      } else program = join(options.monitorScriptsDir, program)
    }
  }
  const args = readArguments(get('script', 'arguments'), report)

  let pingProgram = ''
  if (type === 'ping') {
    const found = options.pingProgram === undefined ? findPingProgram() : options.pingProgram
    if (found === null || found === undefined) {
      report('basic.type', `type 'ping' needs the system ping program, which was not found in ` +
        `${PING_DIRS.join(', ')}; install it (e.g. iputils-ping) or use type 'connect'`)
    } else pingProgram = found
  }

  const spec: MonitorSpec = {
    name,
    type: type ?? 'connect',
    delayMs: int('basic', 'delay', 3, 1, 999990) * 1000,
    timeoutMs: int('basic', 'timeout', 3, 1, 99999) * 1000,
    failures: int('basic', 'failures', 3, 1, 99999),
    backOff: bool('basic', 'back_off', true),
    scope,
    ...(machine === '' ? {} : { machine }),
    useSsl: bool('basic', 'use_ssl', false),
    verbose: bool('basic', 'verbose', false),
    healthOnly: bool('basic', 'health_only', false),
    path,
    hostHeader: str('http', 'host_header', ''),
    authentication: str('http', 'authentication', ''),
    statusRegex,
    bodyRegex,
    writeString: str('tcp', 'write_string', ''),
    responseRegex,
    closeString: str('tcp', 'close_string', ''),
    maxResponseLen: int('tcp', 'max_response_len', 2048, 0, 2 ** 31 - 1),
    program,
    arguments: args,
    pingProgram,
  }
  return diags.length === 0 ? ok(spec) : err(diags)
}

/** Reads vTM's `MonitorArgumentsTable`: rows of `{name, value, description}`. */
function readArguments(
  value: unknown,
  report: (key: string, message: string) => void,
): { readonly name: string; readonly value: string }[] {
  const out: { name: string; value: string }[] = []
  if (value === undefined) return out
  if (!Array.isArray(value)) {
    report('script.arguments', 'must be a list of {name, value} rows')
    return out
  }
  const rows: readonly unknown[] = value
  rows.forEach((row, i) => {
    const key = `script.arguments[${i}]`
    if (typeof row !== 'object' || row === null) {
      report(key, 'must be an object with name and value')
      return
    }
    const name: unknown = 'name' in row ? row.name : undefined
    const argValue: unknown = 'value' in row ? row.value : ''
    if (typeof name !== 'string' || !ARG_NAME_RE.test(name)) {
      report(`${key}.name`, 'must be a name of letters, digits, _ . or -')
      return
    }
    if (typeof argValue !== 'string') {
      report(`${key}.value`, 'must be a string')
      return
    }
    out.push({ name, value: argValue })
  })
  return out
}
