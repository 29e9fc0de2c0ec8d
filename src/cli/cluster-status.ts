/**
 * `sluice cluster status`: a running Sluice's view of its cluster (`status/local_tm/cluster`),
 * one line per member. Exits 1 when a live member is behind the cluster's configuration, cannot
 * run it, or a member is gone, so scripts can wait on it.
 * @module
 */

export interface ClusterStatusOptions {
  readonly api: string
  readonly user: string
  readonly password: string
}

const TIMEOUT_MS = 10_000

/** A value of the answer as a cell: strings and numbers as they are, anything else '-'. */
function cell(v: unknown): string {
  return typeof v === 'string' || typeof v === 'number' ? String(v) : '-'
}

export async function clusterStatus(o: ClusterStatusOptions, out: (line: string) => void, errOut: (line: string) => void): Promise<number> {
  let target: URL
  try {
    target = new URL('/api/tm/8.3/status/local_tm/cluster', o.api)
  } catch {
    errOut(`sluice cluster status: --api "${o.api}" is not a URL (http://127.0.0.1:9070)`)
    return 1
  }
  let res: Response
  try {
    res = await fetch(target, { headers: { authorization: `Basic ${Buffer.from(`${o.user}:${o.password}`).toString('base64')}` }, signal: AbortSignal.timeout(TIMEOUT_MS) })
  } catch (e: unknown) {
    errOut(`sluice cluster status: ${target.origin}: ${e instanceof Error ? e.message : String(e)}`)
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
    errOut(`sluice cluster status: the API answered ${String(res.status)}: ${typeof error?.['error_text'] === 'string' ? error['error_text'] : text.slice(0, 200)}`)
    return 1
  }
  const store = (body['store'] ?? {}) as Record<string, unknown>
  const clusterVersion = Number(body['cluster_config_version'] ?? body['config_version'] ?? 0)
  out(`store ${cell(store['url'])}: ${cell(store['state'])}; cluster configuration version ${String(clusterVersion)}; asked member ${cell(body['member'])}`)
  const members = (Array.isArray(body['members']) ? body['members'] : []) as Record<string, unknown>[]
  const table = [['MEMBER', 'STATE', 'SLUICE', 'CONFIG', 'WORKERS', 'API', 'PROBLEM']]
  let healthy = store['state'] === 'up'
  for (const m of members) {
    const alive = m['alive'] === true
    const problem = typeof m['config_error'] === 'string' ? m['config_error'] : ''
    const behind = alive && Number(m['config_version']) !== clusterVersion
    if (!alive || behind || problem !== '') healthy = false
    const state = !alive ? 'gone' : problem !== '' ? 'failing' : behind ? 'behind' : 'in sync'
    table.push([cell(m['name']), state, cell(m['sluice_version']), cell(m['config_version']), cell(m['workers']), cell(m['api']), problem])
  }
  const widths = table[0]?.map((_, i) => Math.max(...table.map((r) => (r[i] ?? '').length))) ?? []
  for (const row of table) out(row.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd())
  return healthy ? 0 : 1
}
