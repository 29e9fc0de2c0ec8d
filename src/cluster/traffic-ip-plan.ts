/**
 * Which member raises which traffic IP (`traffic_ip_groups`, mode `singlehosted`): a pure
 * function of the groups and the live members, so every member computes the same answer from
 * the same heartbeats, with no election of its own.
 *
 * For each enabled group: the candidates are its `machines` that are alive (every live member
 * when `machines` is empty), without its `slaves` unless only slaves are left. An address in
 * `ip_mapping` goes to its named member while that one is a candidate; with `keeptogether` every
 * address goes to the first candidate; otherwise the addresses, sorted, go to the candidates in
 * turn (`balanced` starts each group where the last one stopped, so the load spreads across
 * groups; `alphabetic` starts every group at the first candidate).
 * @module
 */
import { isIP } from 'node:net'
import { getObjects, type ValidConfig } from '../config/index.ts'

export interface TrafficIpGroup {
  readonly name: string
  readonly enabled: boolean
  readonly mode: string
  readonly ipaddresses: readonly string[]
  readonly machines: readonly string[]
  readonly slaves: readonly string[]
  readonly keeptogether: boolean
  readonly ipAssignmentMode: 'alphabetic' | 'balanced'
  readonly ipMapping: readonly { readonly ip: string; readonly traffic_manager: string }[]
}

/** The `traffic_ip_groups` objects of a configuration, as the plan reads them. */
export function trafficIpGroups(config: ValidConfig): TrafficIpGroup[] {
  return [...getObjects(config, 'traffic_ip_groups')].map(([name, p]) => ({
    name,
    enabled: p.basic.enabled,
    mode: p.basic.mode,
    ipaddresses: p.basic.ipaddresses,
    machines: p.basic.machines,
    slaves: p.basic.slaves,
    keeptogether: p.basic.keeptogether,
    ipAssignmentMode: p.basic.ip_assignment_mode,
    ipMapping: p.basic.ip_mapping,
  }))
}

/** Why a group cannot be raised by Sluice, or null. */
export function groupProblem(g: TrafficIpGroup): string | null {
  if (g.mode !== 'singlehosted') return `mode ${g.mode} is not supported: Sluice raises traffic IPs in singlehosted mode only`
  const bad = g.ipaddresses.find((ip) => isIP(ip) === 0)
  return bad === undefined ? null : `"${bad}" is not an IP address`
}

/** Address to the member that should hold it (addresses of disabled or unsupported groups are absent). */
export function assignTrafficIps(groups: readonly TrafficIpGroup[], live: readonly string[]): Map<string, string> {
  const out = new Map<string, string>()
  const alive = [...live].sort()
  let turn = 0
  for (const g of [...groups].sort((a, b) => a.name.localeCompare(b.name))) {
    if (!g.enabled || groupProblem(g) !== null || g.ipaddresses.length === 0) continue
    const allowed = g.machines.length === 0 ? alive : alive.filter((m) => g.machines.includes(m))
    const active = allowed.filter((m) => !g.slaves.includes(m))
    const candidates = active.length > 0 ? active : allowed
    if (candidates.length === 0) continue
    const mapped = new Map(g.ipMapping.map((row) => [row.ip, row.traffic_manager]))
    let i = g.ipAssignmentMode === 'balanced' ? turn : 0
    for (const ip of [...g.ipaddresses].sort()) {
      const pinned = mapped.get(ip)
      if (pinned !== undefined && candidates.includes(pinned)) {
        out.set(ip, pinned)
        continue
      }
      out.set(ip, candidates[g.keeptogether ? 0 : i % candidates.length] ?? '')
      if (!g.keeptogether) i++
    }
    turn = i
  }
  return out
}
