/**
 * Maps pools' `basic.monitors` to the health manager's plan, reporting monitor problems as
 * configuration diagnostics so `sluice check` shows them too.
 * @module
 */
import { join } from 'node:path'
import type { Diagnostic, ObjectProperties, ValidConfig } from '../config/index.ts'
import { monitorSpecFromConfig, type HealthPlan, type MonitorSpec, type PoolHealthPlan } from '../health/index.ts'

/**
 * Monitors every configuration can name without defining them, as vTM ships factory monitors.
 * A configured monitor of the same name wins.
 */
const BUILT_IN_MONITORS: Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, unknown>>>>>> = {
  Connect: { basic: { type: 'connect' } },
  Ping: { basic: { type: 'ping' } },
  'Simple HTTP': { basic: { type: 'http' }, http: { path: '/' } },
}

export function buildHealthPlan(config: ValidConfig, problems: Diagnostic[]): HealthPlan {
  const configured: ReadonlyMap<string, ObjectProperties> = config.objects.get('monitors') ?? new Map<string, ObjectProperties>()
  const specs = new Map<string, MonitorSpec | null>()
  const specFor = (name: string, pool: string): MonitorSpec | null => {
    const known = specs.get(name)
    if (known !== undefined) return known
    const props = configured.get(name) ?? BUILT_IN_MONITORS[name]
    let spec: MonitorSpec | null = null
    if (props === undefined) {
      problems.push({ objectType: 'pools', objectName: pool, key: 'basic.monitors', reason: `no monitor named "${name}"` })
    } else {
      const result = monitorSpecFromConfig(name, props, {
        monitorScriptsDir: join(config.dir ?? '.', 'monitor_scripts'),
      })
      if (result.ok) spec = result.value
      else {
        for (const d of result.error) {
          problems.push({ objectType: 'monitors', objectName: name, key: d.key, reason: d.message })
        }
      }
    }
    specs.set(name, spec)
    return spec
  }
  const plan: PoolHealthPlan[] = []
  for (const [pool, props] of config.pools) {
    if (props.basic.monitors.length === 0) continue
    const monitors: MonitorSpec[] = []
    for (const name of props.basic.monitors) {
      const spec = specFor(name, pool)
      if (spec !== null) monitors.push(spec)
    }
    const nodes = props.basic.nodes_table.filter((n) => n.state !== 'disabled').map((n) => n.node)
    plan.push({ pool, nodes, monitors })
  }
  return plan
}
