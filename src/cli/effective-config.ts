/**
 * `sluice check --effective`: the configuration as Sluice will run it, every default filled in,
 * as one JSON document shaped like the directory (`type → name → {"properties": ...}`).
 * Secrets (private keys, passwords) are masked as the REST API masks them; raw objects (rules,
 * extra files, certificates held as files) are listed with their size, not their content.
 * @module
 */
import { redactSecrets } from '../api/index.ts'
import { listObjectTypes, type ValidConfig } from '../config/index.ts'

/** The effective configuration as a plain JSON value. */
export function effectiveConfig(config: ValidConfig): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {}
  for (const type of listObjectTypes()) {
    const byName: Record<string, unknown> = {}
    if (type.kind === 'raw') {
      for (const [name, bytes] of config.rawFiles.get(type.uri) ?? []) byName[name] = { bytes: bytes.length }
    } else {
      for (const [name, properties] of config.objects.get(type.uri) ?? []) byName[name] = { properties: redactSecrets(properties) }
    }
    if (Object.keys(byName).length > 0) out[type.uri] = byName
  }
  return out
}
