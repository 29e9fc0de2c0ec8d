/**
 * `/api/tm/<version>/status/local_tm/generations` (a Sluice extension, issue #19): GET lists every
 * virtual server's generations with their state, live sessions, requests per second, errors and
 * mean response time (all workers summed); GET `generations/<vs>` shows one. POST
 * `generations/<vs>/deploy|rollback|reap|canary` changes the virtual server's `generations`
 * section through the editor (validated, written, applied whole, audited, `confmod`), so a verb
 * is exactly a configuration change, and raises the generation events.
 * @module
 */
import { getObjectType } from '../config/index.ts'
import type { GenerationFigures } from '../stats/index.ts'
import type { ApiContext, ApiRequest, ApplicationStatus } from './api-context.ts'
import { finish, refusal } from './config-routes.ts'
import { canary, deploy, reap, rollback, type GenerationsSection, type VerbOutcome } from './generation-verbs.ts'
import { apiError, json, parseJsonBody, type ApiReply } from './http-util.ts'

/** Seconds `numbers.recent` covers (the generations' rate window). */
const RATE_WINDOW_S = 10

/** Every generation's figures, for `/metrics`. */
export async function generationFigures(ctx: ApiContext): Promise<GenerationFigures[]> {
  return (await statuses(ctx)).flatMap((app) =>
    app.generations.map((g) => ({
      virtualServer: app.virtualServer,
      generation: g.name,
      state: g.state,
      sessions: g.sessions,
      requests: g.numbers['requests'] ?? 0,
      errors: g.numbers['errors'] ?? 0,
      timeMs: g.numbers['timeMs'] ?? 0,
    })),
  )
}

async function statuses(ctx: ApiContext): Promise<readonly ApplicationStatus[]> {
  const own = ctx.app.generationStatus?.() ?? []
  const captures = (await ctx.app.workers?.statistics()) ?? []
  if (captures.length === 0) return own
  const theirs = new Map<string, Record<string, number>>()
  for (const c of captures) {
    for (const [key, n] of c.generations ?? []) {
      const sum = theirs.get(key) ?? {}
      for (const [k, v] of Object.entries(n)) sum[k] = (sum[k] ?? 0) + v
      theirs.set(key, sum)
    }
  }
  return own.map((app) => ({
    ...app,
    generations: app.generations.map((g) => {
      const more = theirs.get(`${app.virtualServer}/${g.name}`) ?? {}
      const numbers = { ...g.numbers }
      for (const [k, v] of Object.entries(more)) numbers[k] = (numbers[k] ?? 0) + v
      return { ...g, numbers }
    }),
  }))
}

function body(app: ApplicationStatus): Record<string, unknown> {
  return {
    virtual_server: app.virtualServer,
    current: app.current,
    previous: app.previous,
    canary_percent: app.canaryPercent,
    generations: app.generations.map((g) => {
      const requests = g.numbers['requests'] ?? 0
      const errors = g.numbers['errors'] ?? 0
      return {
        name: g.name,
        pool: g.pool,
        state: g.state,
        sessions: g.sessions,
        requests,
        errors,
        error_percent: requests === 0 ? 0 : Math.round((errors / requests) * 10000) / 100,
        requests_per_second: Math.round(((g.numbers['recent'] ?? 0) / RATE_WINDOW_S) * 10) / 10,
        mean_response_ms: requests === 0 ? 0 : Math.round(((g.numbers['timeMs'] ?? 0) / requests) * 10) / 10,
      }
    }),
  }
}

export async function handleGenerations(ctx: ApiContext, req: ApiRequest, rest: readonly string[]): Promise<ApiReply> {
  const [vs, verb, extra] = rest
  if (vs === undefined || vs === '') {
    if (req.method !== 'GET') return apiError(405, 'resource.method_not_allowed', `${req.method} is not allowed here: GET lists the generations`)
    return json(200, { virtual_servers: (await statuses(ctx)).map(body) })
  }
  if (extra !== undefined) return apiError(404, 'resource.not_found', `no such resource: generations/${rest.join('/')}`)
  const props = ctx.app.snapshot?.config.virtualServers.get(vs)
  if (props === undefined) return apiError(404, 'resource.not_found', `virtual_server "${vs}": no such virtual server`)
  if (props.generations.table.length === 0) return apiError(404, 'resource.not_found', `virtual_server "${vs}" has no generations (generations.table is empty)`)
  if (verb === undefined || verb === '') {
    if (req.method !== 'GET') return apiError(405, 'resource.method_not_allowed', `${req.method} is not allowed here: GET shows the generations; POST generations/${vs}/deploy|rollback|reap|canary changes them`)
    const found = (await statuses(ctx)).find((a) => a.virtualServer === vs)
    return found === undefined ? apiError(404, 'resource.not_found', `virtual_server "${vs}" is not running (disabled, or not HTTP)`) : json(200, body(found))
  }
  if (req.method !== 'POST') return apiError(405, 'resource.method_not_allowed', `${req.method} is not allowed here: POST ${verb}`)
  const refused = refusal(ctx, req)
  if (refused !== undefined) return refused
  const raw = (await req.body()) ?? Buffer.alloc(0)
  const parsed = raw.length === 0 ? { ok: true as const, value: {} } : parseJsonBody(raw)
  if (!parsed.ok) return apiError(400, 'request.invalid', parsed.reason)
  const args = parsed.value
  if (typeof args !== 'object' || args === null || Array.isArray(args)) return apiError(400, 'request.invalid', 'the body must be a JSON object')
  const a = args as Record<string, unknown>
  const section: GenerationsSection = props.generations
  const name = typeof a['generation'] === 'string' ? a['generation'] : null
  if (a['generation'] !== undefined && name === null) return apiError(400, 'request.invalid', 'generation: must be a string')
  let outcome: VerbOutcome
  let cut = 0
  switch (verb) {
    case 'deploy': {
      const percent = a['canary_percent']
      if (percent !== undefined && typeof percent !== 'number') return apiError(400, 'request.invalid', 'canary_percent: must be a number from 0 to 100')
      outcome = deploy(section, name, percent ?? null)
      if (outcome.ok && percent !== undefined) outcome = canary(outcome.section, percent)
      break
    }
    case 'rollback':
      outcome = rollback(section)
      break
    case 'reap': {
      if (name === null) return apiError(400, 'request.invalid', 'generation: name the generation to reap')
      const force = a['force'] ?? false
      if (typeof force !== 'boolean') return apiError(400, 'request.invalid', 'force: must be true or false')
      cut = (await statuses(ctx)).find((s) => s.virtualServer === vs)?.generations.find((g) => g.name === name)?.sessions ?? 0
      outcome = reap(section, name, cut, force)
      break
    }
    case 'canary': {
      const percent = a['canary_percent']
      if (typeof percent !== 'number') return apiError(400, 'request.invalid', 'canary_percent: must be a number from 0 to 100')
      outcome = canary(section, percent)
      break
    }
    default:
      return apiError(404, 'resource.not_found', `no generation verb "${verb}" (deploy, rollback, reap, canary)`)
  }
  if (!outcome.ok) return apiError(outcome.status, outcome.status === 404 ? 'resource.not_found' : 'generation.refused', `virtual_server "${vs}": ${outcome.reason}`)
  const type = getObjectType('virtual_servers')
  if (type === undefined) return apiError(500, 'internal.error', 'no virtual_servers type')
  const change = { properties: { generations: { table: outcome.section.table, previous: outcome.section.previous, canary_percent: outcome.section.canary_percent } } }
  const reply = await finish(ctx, req, type, vs, await ctx.editor.put('virtual_servers', vs, change))
  if (reply.kind === 'error') return reply
  const now = (await statuses(ctx)).find((s) => s.virtualServer === vs)
  return json(200, { action: verb, ...(verb === 'reap' ? { sessions_cut: cut } : {}), ...(now === undefined ? {} : body(now)) })
}
