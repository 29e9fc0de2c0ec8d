/**
 * `sluice cluster status`: a running Sluice's view of its cluster (`status/local_tm/cluster`),
 * one line per member. Exits 1 when a live member is behind the cluster's configuration, cannot
 * run it, or a member is gone, so scripts can wait on it.
 * @module
 */
import { apiCall, type ApiCallOptions } from './api-call.ts'
import { textTable } from './text-table.ts'

export type ClusterStatusOptions = ApiCallOptions

/** A value of the answer as a cell: strings and numbers as they are, anything else '-'. */
function cell(v: unknown): string {
  return typeof v === 'string' || typeof v === 'number' ? String(v) : '-'
}

export async function clusterStatus(o: ClusterStatusOptions, out: (line: string) => void, errOut: (line: string) => void): Promise<number> {
  const answer = await apiCall(o, 'GET', '/api/tm/8.3/status/local_tm/cluster')
  if (!answer.ok) {
    errOut(`sluice cluster status: ${answer.problem}`)
    return 1
  }
  const body = answer.body
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
  for (const line of textTable(table)) out(line)
  return healthy ? 0 : 1
}
