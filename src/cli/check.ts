/**
 * `sluice check`: load, validate and dry-build a configuration, reporting every problem and
 * every warning, exactly as `sluice start`, reloads and the REST API report them.
 * @module
 */
import { formatDiagnostic, type Diagnostic, type ValidConfig } from '../config/index.ts'
import { err, ok, type Result } from '../core/index.ts'
import { diagnoseConfigDir, type ConfigReport } from '../snapshot/index.ts'

/** Loads and validates `dir`, then builds a snapshot without opening anything. */
export async function loadAndCheck(dir: string): Promise<Result<ValidConfig, Diagnostic[]>> {
  const report = await diagnoseConfigDir(dir)
  return report.config === null ? err([...report.errors]) : ok(report.config)
}

/** Prints every error, then every warning, then a summary; resolves to the exit code (0 or 1). */
export async function checkConfig(dir: string, out: (line: string) => void): Promise<number> {
  const report = await diagnoseConfigDir(dir)
  for (const line of reportLines(report)) out(line)
  const warnings = plural(report.warnings.length, 'warning')
  const c = report.config
  if (c !== null) {
    const counts = `${plural(c.virtualServers.size, 'virtual server')}, ${plural(c.pools.size, 'pool')}, ${plural(c.rules.size, 'rule')}`
    out(`configuration OK${report.warnings.length === 0 ? '' : ` with ${warnings}`}: ${counts} (${dir})`)
    return 0
  }
  out(`${plural(report.errors.length, 'problem')} found in ${dir}${report.warnings.length === 0 ? '' : `, and ${warnings}`}`)
  return 1
}

/** Errors first, then warnings, one formatted diagnostic per entry. */
export function reportLines(report: ConfigReport): string[] {
  return [...report.errors, ...report.warnings].map(formatDiagnostic)
}

function plural(n: number, noun: string): string {
  return `${String(n)} ${noun}${n === 1 ? '' : 's'}`
}
