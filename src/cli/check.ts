/**
 * `sluice check`: load, validate and dry-build a configuration, reporting every problem and
 * every warning, exactly as `sluice start`, reloads and the REST API report them.
 * @module
 */
import { formatDiagnostic, type Diagnostic, type ValidConfig } from '../config/index.ts'
import { err, ok, type Logger, type Result } from '../core/index.ts'
import { diagnoseConfigDir, type ConfigReport } from '../snapshot/index.ts'
import { effectiveConfig } from './effective-config.ts'

/** Loads and validates `dir`, then builds a snapshot without opening anything. */
export async function loadAndCheck(dir: string): Promise<Result<ValidConfig, Diagnostic[]>> {
  const report = await diagnoseConfigDir(dir)
  return report.config === null ? err([...report.errors]) : ok(report.config)
}

/** Where `--effective` sends the JSON and, apart from it, the report. */
export interface EffectiveOutput {
  readonly printEffective: (text: string) => void
  readonly report: (line: string) => void
}

/**
 * Prints every error, then every warning, then a summary; resolves to the exit code (0 or 1).
 * With `effective`, a valid configuration is also printed as JSON there, and the report goes
 * to its own sink so the JSON stays alone on its stream.
 */
export async function checkConfig(dir: string, stdout: (line: string) => void, effective?: EffectiveOutput): Promise<number> {
  const report = await diagnoseConfigDir(dir)
  const out = effective?.report ?? stdout
  for (const line of reportLines(report)) out(line)
  const warnings = plural(report.warnings.length, 'warning')
  const c = report.config
  if (c !== null) {
    const counts = `${plural(c.virtualServers.size, 'virtual server')}, ${plural(c.pools.size, 'pool')}, ${plural(c.rules.size, 'rule')}`
    out(`configuration OK${report.warnings.length === 0 ? '' : ` with ${warnings}`}: ${counts} (${dir})`)
    effective?.printEffective(JSON.stringify(effectiveConfig(c), null, 2))
    return 0
  }
  out(`${plural(report.errors.length, 'problem')} found in ${dir}${report.warnings.length === 0 ? '' : `, and ${warnings}`}`)
  return 1
}

/** The report as process-log lines: errors at level error, warnings at level warn. */
export function logReport(report: ConfigReport, logger: Logger): void {
  for (const d of report.errors) logger.error(formatDiagnostic(d))
  for (const d of report.warnings) logger.warn(formatDiagnostic(d))
}

/** Errors first, then warnings, one formatted diagnostic per entry. */
export function reportLines(report: ConfigReport): string[] {
  return [...report.errors, ...report.warnings].map(formatDiagnostic)
}

function plural(n: number, noun: string): string {
  return `${String(n)} ${noun}${n === 1 ? '' : 's'}`
}
