/**
 * `sluice generation status|deploy|rollback|reap|canary VS ...`: drives a running Sluice's
 * generations through its REST API (status/local_tm/generations), as a user whose password is
 * the first line of standard input. Status prints one line per generation.
 * @module
 */
import { apiCall, type ApiCallOptions } from './api-call.ts'
import { textTable } from './text-table.ts'

export interface GenerationCommand extends ApiCallOptions {  readonly verb: 'status' | 'deploy' | 'rollback' | 'reap' | 'canary'
  /** `[VS] [GENERATION]` as typed: VS may be left out when one virtual server has generations. */
  readonly words: readonly string[]
  readonly force: boolean
  readonly canaryPercent: number | undefined
}

interface Row {
  name: string
  state: string
  pool: string
  sessions: number
  requests_per_second: number
  errors: number
  error_percent: number
  mean_response_ms: number
}

/** A table of the generations: name, state, pool, sessions, req/s, errors, mean time. */
export function formatGenerations(body: Record<string, unknown>): string[] {
  const rows = (Array.isArray(body['generations']) ? body['generations'] : []) as Row[]
  const lines = [`virtual server ${String(body['virtual_server'])}: current ${String(body['current'])}${body['previous'] === '' ? '' : `, previous ${String(body['previous'])}`}, canary ${String(body['canary_percent'])}%`]
  const table = [['GENERATION', 'STATE', 'POOL', 'SESSIONS', 'REQ/S', 'ERRORS', 'MEAN MS']]
  for (const r of rows) table.push([r.name, r.state, r.pool, String(r.sessions), String(r.requests_per_second), `${String(r.errors)} (${String(r.error_percent)}%)`, String(r.mean_response_ms)])
  return [...lines, ...textTable(table)]
}

/**
 * The virtual server and generation the words name: the first word is the virtual server when
 * one of that name has generations; otherwise the only virtual server with generations is meant
 * and the words are the generation. A string says why neither works.
 */
async function whichVirtualServer(o: GenerationCommand): Promise<{ virtualServer: string; generation: string | undefined } | string> {
  const [first, second] = o.words
  const list = await apiCall(o, 'GET', '/api/tm/8.3/status/local_tm/generations')
  if (!list.ok) return list.problem
  const apps = (Array.isArray(list.body['virtual_servers']) ? list.body['virtual_servers'] : []) as Record<string, unknown>[]
  const names = apps.map((a) => String(a['virtual_server']))
  if (first !== undefined && names.includes(first)) return { virtualServer: first, generation: second }
  if (second !== undefined) return `no virtual server "${first ?? ''}" has generations (${names.length === 0 ? 'none has' : `these have: ${names.join(', ')}`})`
  const only = names[0]
  if (names.length !== 1 || only === undefined) return names.length === 0 ? 'no virtual server has generations' : `name the virtual server: ${names.join(', ')} have generations`
  return { virtualServer: only, generation: first }
}

/** Runs the verb; returns the exit status (0 done, 1 the API refused or could not be reached). */
export async function generationCommand(o: GenerationCommand, out: (line: string) => void, errOut: (line: string) => void): Promise<number> {
  const what = `sluice generation ${o.verb}`
  const target = await whichVirtualServer(o)
  if (typeof target !== 'object') {
    errOut(`${what}: ${target}`)
    return 1
  }
  const { virtualServer, generation } = target
  const path = `/api/tm/8.3/status/local_tm/generations/${encodeURIComponent(virtualServer)}${o.verb === 'status' ? '' : `/${o.verb}`}`
  const args: Record<string, unknown> = {}
  if (generation !== undefined) args['generation'] = generation
  if (o.force) args['force'] = true
  if (o.canaryPercent !== undefined) args['canary_percent'] = o.canaryPercent
  const answer = await apiCall(o, o.verb === 'status' ? 'GET' : 'POST', path, o.verb === 'status' ? undefined : args)
  if (!answer.ok) {
    errOut(`${what}: ${answer.problem}`)
    return 1
  }
  const body = answer.body
  if (o.verb === 'reap') out(`reaped ${String(generation)}; sessions cut: ${typeof body['sessions_cut'] === 'number' ? String(body['sessions_cut']) : '0'}`)
  else if (o.verb !== 'status') out(`${o.verb}: done`)
  for (const line of formatGenerations(body)) out(line)
  return 0
}
