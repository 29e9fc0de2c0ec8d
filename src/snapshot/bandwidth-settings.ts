/**
 * Bandwidth classes as a snapshot carries them: the settings of each `bandwidth/<name>` object,
 * and for each virtual server what paces it (its own class, and the store where a rule's or a
 * pool's class is looked up at the time of use).
 * @module
 */
import type { BandwidthSettings, BandwidthSharing, BandwidthStore } from '../protect/index.ts'

/** What a virtual server's connections are paced by; null when the configuration has no class. */
export interface BandwidthService {
  /** `basic.bandwidth_class` of the virtual server: paces what is written to clients ('' none). */
  readonly clientClass: string
  /** Every class, by name (rules and pools name them); kept across reloads. */
  readonly classes: BandwidthStore
}

/** The settings of every `bandwidth/<name>` object. */
export function bandwidthSettings(objects: ReadonlyMap<string, { readonly basic: { readonly maximum: number; readonly sharing: string } }>): Map<string, BandwidthSettings> {
  const out = new Map<string, BandwidthSettings>()
  for (const [name, p] of objects) out.set(name, Object.freeze({ name, kbitPerSecond: p.basic.maximum, sharing: p.basic.sharing as BandwidthSharing }))
  return out
}

/** The virtual server's pacing, or null when no class exists at all (no cost per request then). */
export function bandwidthService(clientClass: string, classes: ReadonlyMap<string, BandwidthSettings>, store: BandwidthStore): BandwidthService | null {
  return classes.size === 0 ? null : Object.freeze({ clientClass, classes: store })
}
