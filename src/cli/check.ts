/**
 * `sluice check`: load, validate and dry-build a configuration, reporting every problem.
 * @module
 */
import { StatusRegistry } from '../pool/index.ts'
import { formatDiagnostic, loadConfigDir, type Diagnostic, type ValidConfig } from '../config/index.ts'
import { systemClock, systemRandom, type Result } from '../core/index.ts'
import { buildSnapshot } from '../snapshot/index.ts'

/** Loads and validates `dir`, then builds a snapshot without opening anything. */
export async function loadAndCheck(dir: string): Promise<Result<ValidConfig, Diagnostic[]>> {
  const loaded = await loadConfigDir(dir)
  if (!loaded.ok) return loaded
  const built = buildSnapshot(loaded.value, 0, {
    clock: systemClock,
    random: systemRandom,
    statuses: new StatusRegistry(),
    logs: null,
    events: () => undefined,
    stats: null,
  })
  return built.ok ? loaded : built
}

export async function checkConfig(dir: string, out: (line: string) => void): Promise<number> {
  const result = await loadAndCheck(dir)
  if (result.ok) {
    const c = result.value
    out(`configuration OK: ${String(c.virtualServers.size)} virtual servers, ${String(c.pools.size)} pools, ${String(c.rules.size)} rules (${dir})`)
    return 0
  }
  for (const d of result.error) out(formatDiagnostic(d))
  out(`${String(result.error.length)} problem${result.error.length === 1 ? '' : 's'} found in ${dir}`)
  return 1
}
