/**
 * `sluice generation status|deploy|rollback|reap|canary VS ...`: drives a running Sluice's
 * generations through its REST API (status/local_tm/generations), as a user whose password is
 * the first line of standard input. Status prints one line per generation.
 * @module
 */

export interface GenerationCommand {
  /** The REST API's origin, `http://127.0.0.1:9070`. */
  readonly api: string
  readonly user: string
  readonly password: string
  readonly verb: 'status' | 'deploy' | 'rollback' | 'reap' | 'canary'
  readonly virtualServer: string
  readonly generation: string | undefined
  readonly force: boolean
  readonly canaryPercent: number | undefined
}

/** Bounds the wait for the API: a verb is one configuration change. */
const TIMEOUT_MS = 15_000

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
  const widths = table[0]?.map((_, i) => Math.max(...table.map((row) => (row[i] ?? '').length))) ?? []
  for (const row of table) lines.push(row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd())
  return lines
}

/** Runs the verb; returns the exit status (0 done, 1 the API refused or could not be reached). */
export async function generationCommand(o: GenerationCommand, out: (line: string) => void, errOut: (line: string) => void): Promise<number> {
  const what = `sluice generation ${o.verb}`
  let target: URL
  try {
    const path = `/api/tm/8.3/status/local_tm/generations/${encodeURIComponent(o.virtualServer)}${o.verb === 'status' ? '' : `/${o.verb}`}`
    target = new URL(path, o.api)
  } catch {
    errOut(`${what}: --api "${o.api}" is not a URL (http://127.0.0.1:9070)`)
    return 1
  }
  const args: Record<string, unknown> = {}
  if (o.generation !== undefined) args['generation'] = o.generation
  if (o.force) args['force'] = true
  if (o.canaryPercent !== undefined) args['canary_percent'] = o.canaryPercent
  const auth = `Basic ${Buffer.from(`${o.user}:${o.password}`).toString('base64')}`
  let res: Response
  try {
    res = await fetch(target, {
      method: o.verb === 'status' ? 'GET' : 'POST',
      headers: { authorization: auth, 'content-type': 'application/json' },
      ...(o.verb === 'status' ? {} : { body: JSON.stringify(args) }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    })
  } catch (e: unknown) {
    errOut(`${what}: ${target.origin}: ${e instanceof Error ? e.message : String(e)}`)
    return 1
  }
  const text = await res.text()
  let body: Record<string, unknown> = {}
  try {
    body = JSON.parse(text) as Record<string, unknown>
  } catch {
    body = {}
  }
  if (res.status !== 200) {
    const error = body['error'] as Record<string, unknown> | undefined
    errOut(`${what}: the API answered ${String(res.status)}: ${typeof error?.['error_text'] === 'string' ? error['error_text'] : text.slice(0, 200)}`)
    return 1
  }
  if (o.verb === 'reap') out(`reaped ${String(o.generation)}; sessions cut: ${typeof body['sessions_cut'] === 'number' ? String(body['sessions_cut']) : '0'}`)
  else if (o.verb !== 'status') out(`${o.verb}: done`)
  for (const line of formatGenerations(body)) out(line)
  return 0
}
