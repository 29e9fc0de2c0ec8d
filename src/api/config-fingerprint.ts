/**
 * A fingerprint of a validated configuration, so a directory reload that finds exactly what the
 * API already applied can skip a second, pointless apply.
 * @module
 */
import { createHash } from 'node:crypto'
import type { ValidConfig } from '../config/index.ts'

/** sha256 over every object's filled properties and every raw file's bytes, in a stable order. */
export function configFingerprint(config: ValidConfig): string {
  const hash = createHash('sha256')
  for (const [uri, byName] of [...config.objects].sort(([a], [b]) => (a < b ? -1 : 1))) {
    for (const [name, props] of byName) hash.update(`${uri}\u0000${name}\u0000${JSON.stringify(props)}\u0000`)
  }
  for (const [uri, byName] of [...config.rawFiles].sort(([a], [b]) => (a < b ? -1 : 1))) {
    for (const [name, bytes] of byName) {
      hash.update(`${uri}\u0000${name}\u0000${String(bytes.length)}\u0000`)
      hash.update(bytes)
    }
  }
  return hash.digest('hex')
}
