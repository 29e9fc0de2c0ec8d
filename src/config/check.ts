/**
 * `sluice check --config DIR`: load and validate a configuration directory, and say so.
 * @module
 */

import { formatDiagnostic } from './diagnostic.ts'
import { loadConfigDir } from './store.ts'

/** Prints a summary or every problem through `out`; resolves to the exit code (0 or 1). */
export async function checkCommand(dir: string, out: (line: string) => void): Promise<number> {
  const result = await loadConfigDir(dir)
  if (result.ok) {
    const c = result.value
    out(
      `configuration OK: ${plural(c.virtualServers.size, 'virtual server')}, ` +
        `${plural(c.pools.size, 'pool')}, ${plural(c.rules.size, 'rule')} (${dir})`,
    )
    return 0
  }
  for (const d of result.error) out(formatDiagnostic(d))
  out(result.error.length === 1 ? '1 problem found' : `${result.error.length} problems found`)
  return 1
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`
}
