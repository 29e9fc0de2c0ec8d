/**
 * `POST /api/tm/<version>/rule_test`: runs rule text once against a described request, as
 * `sluice rule test` does, and answers with what that command prints. The API does not run rules
 * itself: whoever starts it passes the command's own code in (RuleTester), so the command line
 * and the web UI share one implementation.
 * @module
 */
import type { ApiContext, ApiRequest } from './api-context.ts'
import { apiError, json, parseJsonBody, type ApiReply } from './http-util.ts'

/** What to test: a rule's text (not necessarily saved) and the request to run it against. */
export interface RuleTestInput {
  /** The rule's name (imports and messages use it). */
  readonly name: string
  readonly text: string
  readonly method: string
  readonly url: string
  readonly headers: readonly (readonly [string, string])[]
  readonly body: string
  readonly phase: 'request' | 'response' | 'completion'
}

/** Runs one test; `exitCode` is the command's (0 ran, 1 errors, 2 bad request, 3 aborted). */
export type RuleTester = (input: RuleTestInput) => Promise<{ readonly exitCode: number; readonly output: string }>

function isPairs(v: unknown): v is [string, string][] {
  return Array.isArray(v) && v.every((p) => Array.isArray(p) && p.length === 2 && typeof p[0] === 'string' && typeof p[1] === 'string')
}

/** Reads and checks the request body; a string names what is wrong. */
function readInput(doc: Record<string, unknown>): RuleTestInput | string {
  const { name, text, method = 'GET', url = '/', headers = [], body = '', phase = 'request' } = doc
  if (typeof name !== 'string' || name === '') return '"name" must be the rule\'s name'
  if (typeof text !== 'string') return '"text" must be the rule\'s source text'
  if (typeof method !== 'string' || typeof url !== 'string' || typeof body !== 'string') return '"method", "url" and "body" must be strings'
  if (!isPairs(headers)) return '"headers" must be a list of [name, value] pairs'
  if (phase !== 'request' && phase !== 'response' && phase !== 'completion') return '"phase" must be request, response or completion'
  return { name, text, method, url, headers, body, phase }
}

/** Handles `rule_test`. */
export async function handleRuleTest(ctx: ApiContext, req: ApiRequest, tester: RuleTester | undefined): Promise<ApiReply> {
  if (req.method !== 'POST') return apiError(405, 'resource.method_not_allowed', `${req.method} is not allowed; use POST`)
  if (tester === undefined) return apiError(404, 'resource.not_found', 'rule tests are not available here')
  const raw = await req.body()
  if (raw === undefined) return apiError(413, 'resource.too_large', 'the request body is too large')
  const parsed = parseJsonBody(raw)
  if (!parsed.ok) return apiError(400, 'resource.json_invalid', parsed.reason)
  const doc = typeof parsed.value === 'object' && parsed.value !== null && !Array.isArray(parsed.value) ? (parsed.value as Record<string, unknown>) : {}
  const input = readInput(doc)
  if (typeof input === 'string') return apiError(400, 'request.invalid', input)
  try {
    const result = await tester(input)
    return json(200, { exit_code: result.exitCode, output: result.output })
  } catch (e: unknown) {
    ctx.logger.error(`rule test: ${e instanceof Error ? e.message : String(e)}`)
    return apiError(500, 'internal.error', 'the rule test failed to run')
  }
}
