/**
 * Command-line parsing for `sluice rule test`: rule files or names, then options describing the
 * transaction. Some options repeat (`--header`), so this has its own small parser.
 * @module
 */
import { err, ok, type Result } from '../core/index.ts'

/** Which rule list the rules run as. */
export type TestPhase = 'request' | 'response' | 'completion'

/** A mocked outbound response for `http.request.*`. */
export interface MockedHttp {
  readonly url: string
  readonly status: number
  readonly body: string
}

/** Everything `sluice rule test` was asked to do. */
export interface RuleTestArgs {
  /** Rule files (paths) or, with `--config`, rule names; run in this order. */
  readonly rules: readonly string[]
  readonly configDir: string | null
  readonly method: string
  readonly url: string
  readonly headers: readonly (readonly [string, string])[]
  /** The request body text, or null for none. */
  readonly body: string | null
  readonly bodyFile: string | null
  readonly clientIp: string
  readonly isTls: boolean
  readonly node: string
  readonly phase: TestPhase
  readonly responseStatus: number
  readonly responseHeaders: readonly (readonly [string, string])[]
  readonly responseBody: string | null
  readonly responseBodyFile: string | null
  readonly httpMocks: readonly MockedHttp[]
  readonly variablePoolUse: boolean
  readonly maxInstructions: number | null
  readonly json: boolean
}

const VALUED = new Set([
  'config', 'method', 'url', 'header', 'body', 'body-file', 'client', 'node', 'phase', 'response-status',
  'response-header', 'response-body', 'response-body-file', 'http-response', 'max-instr',
])
const FLAGS = new Set(['json', 'tls', 'variable-pool-use'])

function header(text: string, option: string): Result<readonly [string, string], string> {
  const colon = text.indexOf(':')
  const name = colon === -1 ? '' : text.slice(0, colon).trim()
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) return err(`--${option} must look like 'Name: value' (got "${text}")`)
  return ok([name, text.slice(colon + 1).trim()])
}

/** `URL=STATUS:BODY`; the URL may itself hold `=`, so the last `=` before `STATUS:` splits. */
function mock(text: string): Result<MockedHttp, string> {
  const m = /^(.+)=(\d{3}):([\s\S]*)$/.exec(text)
  if (m === null) return err(`--http-response must look like URL=STATUS:BODY (got "${text}")`)
  return ok({ url: m[1] ?? '', status: Number(m[2]), body: m[3] ?? '' })
}

function wholeNumber(text: string, option: string, min: number, max: number): Result<number, string> {
  const n = Number(text)
  if (!/^\d+$/.test(text) || n < min || n > max) return err(`--${option} must be a whole number from ${min} to ${max}`)
  return ok(n)
}

/** Parses the words after `sluice rule test`. */
export function parseRuleTestArgs(argv: readonly string[]): Result<RuleTestArgs, string> {
  const rules: string[] = []
  const single = new Map<string, string>()
  const headers: (readonly [string, string])[] = []
  const responseHeaders: (readonly [string, string])[] = []
  const httpMocks: MockedHttp[] = []
  const flags = new Set<string>()
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? ''
    if (!arg.startsWith('--')) {
      rules.push(arg)
      continue
    }
    const eq = arg.indexOf('=')
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq)
    if (FLAGS.has(name) && eq === -1) {
      flags.add(name)
      continue
    }
    if (!VALUED.has(name)) return err(`unknown option --${name}`)
    const value = eq === -1 ? argv[++i] : arg.slice(eq + 1)
    if (value === undefined) return err(`option --${name} needs a value`)
    if (name === 'header' || name === 'response-header') {
      const h = header(value, name)
      if (!h.ok) return h
      ;(name === 'header' ? headers : responseHeaders).push(h.value)
    } else if (name === 'http-response') {
      const m = mock(value)
      if (!m.ok) return m
      httpMocks.push(m.value)
    } else if (single.has(name)) {
      return err(`option --${name} given twice`)
    } else {
      single.set(name, value)
    }
  }
  if (rules.length === 0) return err('name at least one rule file (or, with --config, a rule name)')
  if (single.has('body') && single.has('body-file')) return err('use --body or --body-file, not both')
  if (single.has('response-body') && single.has('response-body-file')) return err('use --response-body or --response-body-file, not both')
  const phase = single.get('phase') ?? 'request'
  if (phase !== 'request' && phase !== 'response' && phase !== 'completion') return err('--phase must be request, response or completion')
  const method = single.get('method') ?? 'GET'
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(method)) return err('--method must be an HTTP method token')
  const status = wholeNumber(single.get('response-status') ?? '200', 'response-status', 100, 999)
  if (!status.ok) return status
  const maxInstrText = single.get('max-instr')
  const maxInstr = maxInstrText === undefined ? null : wholeNumber(maxInstrText, 'max-instr', 1, 1_000_000_000)
  if (maxInstr !== null && !maxInstr.ok) return maxInstr
  return ok({
    rules,
    configDir: single.get('config') ?? null,
    method,
    url: single.get('url') ?? '/',
    headers,
    body: single.get('body') ?? null,
    bodyFile: single.get('body-file') ?? null,
    clientIp: single.get('client') ?? '192.0.2.10',
    isTls: flags.has('tls'),
    node: single.get('node') ?? (phase === 'request' ? '' : '192.0.2.100:80'),
    phase,
    responseStatus: status.value,
    responseHeaders,
    responseBody: single.get('response-body') ?? null,
    responseBodyFile: single.get('response-body-file') ?? null,
    httpMocks,
    variablePoolUse: flags.has('variable-pool-use'),
    maxInstructions: maxInstr?.value ?? null,
    json: flags.has('json'),
  })
}
