/**
 * The one place that says what is wrong with a configuration: schema errors, references between
 * objects, and everything only building it finds (rule errors, certificates that do not match
 * their keys, unsupported persistence types, log files among the objects), plus every warning.
 * `sluice check`, `sluice start`, reloads and the REST API all report through it, so they
 * always say the same thing about the same configuration.
 * @module
 */
import { formatDiagnostic, validateConfigAll, readConfigDir } from '../config/index.ts'
import type { Diagnostic, RawConfig, ValidConfig } from '../config/index.ts'
import { errorMessage, systemClock, systemRandom } from '../core/index.ts'
import { StatusRegistry } from '../pool/index.ts'
import { buildSnapshot } from './build.ts'

/** Everything said about one configuration. `config` is set only when there are no errors. */
export interface ConfigReport {
  readonly config: ValidConfig | null
  readonly errors: readonly Diagnostic[]
  readonly warnings: readonly Diagnostic[]
}

/** Reads and diagnoses a configuration directory; never rejects. */
export async function diagnoseConfigDir(dir: string): Promise<ConfigReport> {
  return diagnoseConfig(await readConfigDir(dir))
}

/**
 * Validates `raw` and builds it without opening anything. The build runs even when validation
 * found errors (on the configuration with defaults in place of bad values), so every problem is
 * reported in one pass; its findings about keys that already have an error are left out.
 */
export function diagnoseConfig(raw: RawConfig): ConfigReport {
  const validated = validateConfigAll(raw)
  const errors = [...validated.errors]
  const warnings: Diagnostic[] = []
  try {
    const built = buildSnapshot(validated.config, 0, {
      clock: systemClock,
      random: systemRandom,
      statuses: new StatusRegistry(),
      logs: null,
      events: () => undefined,
      stats: null,
      onWarning: (w) => warnings.push(w),
    })
    if (!built.ok) errors.push(...built.error.filter((d) => !hasErrorAt(validated.errors, d)))
  } catch (e: unknown) {
    // Building a configuration that failed validation may trip over what validation reported.
    if (validated.errors.length === 0) {
      errors.push({ objectType: '', objectName: '', reason: `internal error while building the configuration: ${errorMessage(e)}` })
    }
    if (warnings.length === 0) warnings.push(...validated.warnings)
  }
  const unique = dedupe(errors)
  return { config: unique.length === 0 ? validated.config : null, errors: unique, warnings: dedupe(warnings) }
}

/** Whether validation already reported an error at the object and key of `d`. */
function hasErrorAt(found: readonly Diagnostic[], d: Diagnostic): boolean {
  return found.some((f) => f.objectType === d.objectType && f.objectName === d.objectName && (f.key === d.key || (d.key !== undefined && f.key !== undefined && d.key.startsWith(`${f.key}.`))))
}

function dedupe(ds: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>()
  return ds.filter((d) => {
    const line = formatDiagnostic(d)
    if (seen.has(line)) return false
    seen.add(line)
    return true
  })
}
