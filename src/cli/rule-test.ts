/**
 * `sluice rule test`: check rules, run them once against a described request (and response),
 * and print what they decided and changed. Exit status: 0 the rules ran, 3 a rule was aborted,
 * 1 a rule (or the configuration, or a file) has errors, 2 the command line is wrong.
 * @module
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { formatDiagnostic, loadConfigDir, type ValidConfig } from '../config/index.ts'
import { errorMessage } from '../core/index.ts'
import type { ResponseHead } from '../http/index.ts'
import {
  checkRules, Decision, formatRuleDiagnostic, runRule, type RulePhase, type RunEnv, type RunOutcome,
} from '../rules/index.ts'
import type { RuleTestArgs } from './rule-test-args.ts'
import { buildRequestHead, buildResponseHead, makeView, RecordingServices, TestBodies } from './rule-test-host.ts'
import { formatReport, type HeaderPairs, type TestReport } from './rule-test-report.ts'
import { loadRuleSources } from './rule-test-sources.ts'

/** Exit status when a rule was aborted (budget, runtime error, failed assert). */
export const EXIT_ABORTED = 3

const PHASES: Record<RuleTestArgs['phase'], RulePhase> = { request: 'REQUEST', response: 'RESPONSE', completion: 'COMPLETION' }

function pairs(flat: readonly string[]): HeaderPairs {
  const out: [string, string][] = []
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i] ?? '', flat[i + 1] ?? ''])
  return out
}

function readBody(text: string | null, file: string | null): Buffer {
  if (file !== null) return readFileSync(file)
  return Buffer.from(text ?? '', 'utf8')
}

async function loadConfig(dir: string, out: (line: string) => void): Promise<ValidConfig | null> {
  const loaded = await loadConfigDir(resolve(dir))
  if (loaded.ok) return loaded.value
  for (const d of loaded.error) out(formatDiagnostic(d))
  out(`the configuration in ${dir} has ${String(loaded.error.length)} problem${loaded.error.length === 1 ? '' : 's'}`)
  return null
}

/** Runs `sluice rule test`; `out` receives the report, `errOut` usage and file errors. */
export async function ruleTestCommand(args: RuleTestArgs, out: (line: string) => void, errOut: (line: string) => void): Promise<number> {
  const config = args.configDir === null ? null : await loadConfig(args.configDir, errOut)
  if (args.configDir !== null && config === null) return 1
  const found = loadRuleSources(args.rules, config)
  if (!found.ok) {
    errOut(`sluice rule test: ${found.error}`)
    return 1
  }
  const { sources, run } = found.value
  const ts = config?.globalSettings.trafficscript
  const checked = checkRules(sources, {
    variablePoolUse: args.variablePoolUse || (ts?.variable_pool_use ?? false),
    ...(config === null ? {} : { knownPools: new Set([...config.pools.keys(), 'discard']) }),
  })
  const diagnosticText = (d: Parameters<typeof formatRuleDiagnostic>[0]) => formatRuleDiagnostic(d, sources.get(d.rule) ?? '')
  if (!checked.ok) {
    const errors = checked.error.filter((d) => d.severity === 'error')
    if (args.json) {
      out(JSON.stringify({ checked: false, diagnostics: checked.error.map((d) => ({ ...d, text: diagnosticText(d) })) }, null, 2))
    } else {
      for (const d of checked.error) out(diagnosticText(d))
      out(`${String(errors.length)} error${errors.length === 1 ? '' : 's'}: the rules did not run`)
    }
    return 1
  }

  let requestBody: Buffer
  let responseBody: Buffer
  try {
    requestBody = readBody(args.body, args.bodyFile)
    responseBody = readBody(args.responseBody, args.responseBodyFile)
  } catch (e: unknown) {
    errOut(`sluice rule test: ${errorMessage(e)}`)
    return 1
  }
  const req = buildRequestHead(args.method, args.url, args.headers, requestBody)
  if (!req.ok) {
    errOut(`sluice rule test: ${req.error}`)
    return 2
  }
  let res: ResponseHead | null = null
  if (args.phase !== 'request') {
    const r = buildResponseHead(args.responseStatus, args.responseHeaders, responseBody)
    if (!r.ok) {
      errOut(`sluice rule test: ${r.error}`)
      return 2
    }
    res = r.value
  }
  const head = req.value.head
  const bodies = new TestBodies(head, requestBody, () => res, responseBody)
  const view = makeView(head, bodies, args.clientIp, args.isTls || req.value.isTls)
  view.res = res
  view.node = args.node
  const services = new RecordingServices(config, args.httpMocks)
  const decision = new Decision()
  const env: RunEnv = {
    view, services, decision, phase: PHASES[args.phase],
    maxInstructions: args.maxInstructions ?? ts?.max_instr ?? 100_000,
  }

  const before = {
    method: head.method, url: head.target, headers: pairs(head.headers),
    status: res?.status ?? 0, reason: res?.reason ?? '', responseHeaders: res === null ? [] : pairs(res.headers),
  }
  const outcomes: RunOutcome[] = []
  for (const name of run) {
    const rule = checked.value.rules.get(name)
    if (rule === undefined) continue
    // The data plane's order: each rule in turn until one ends rule processing.
    const o = await runRule(rule, env)
    outcomes.push(o)
    if (o.kind === 'stopped' || decision.final) break
  }

  const report: TestReport = {
    phase: args.phase,
    rules: run,
    outcomes,
    warnings: checked.value.warnings.map(diagnosticText),
    decision,
    request: {
      before: { method: before.method, url: before.url, headers: before.headers },
      after: { method: head.method, url: head.target, headers: pairs(head.headers) },
      bodyReplaced: bodies.requestReplaced,
      body: bodies.request.toString('latin1'),
    },
    response: res === null ? null : {
      before: { status: before.status, reason: before.reason, headers: before.responseHeaders },
      after: { status: res.status, reason: res.reason, headers: pairs(res.headers) },
      bodyReplaced: bodies.responseReplaced,
      body: bodies.response.toString('latin1'),
    },
    logs: services.logs,
    events: services.events,
    counters: [...services.counters],
    outbound: services.requests,
    sleepsMs: services.sleepsMs,
  }
  for (const line of formatReport(report, args.json)) out(line)
  return outcomes.some((o) => o.kind === 'aborted') ? EXIT_ABORTED : 0
}
