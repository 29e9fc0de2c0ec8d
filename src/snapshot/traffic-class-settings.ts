/**
 * Traffic classes that act on transactions as they go, as a snapshot carries them: bandwidth
 * classes (what paces each virtual server: its own class, and the store where a rule's or a
 * pool's class is looked up at the time of use) and service level monitors.
 * @module
 */
import type { BandwidthSettings, BandwidthSharing, BandwidthStore, ServiceLevelSettings, ServiceLevelStore } from '../protect/index.ts'
import type { ServiceLevels } from '../rules/index.ts'

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

/** What a virtual server's transactions are monitored by; null when the configuration has no SLM class. */
export interface ServiceLevelService {
  /** `basic.slm_class` ('' none); a rule's connection.setServiceLevelClass wins. */
  readonly defaultClass: string
  readonly classes: ServiceLevelStore
}

/** The settings of every `service_level_monitors/<name>` object. */
export function serviceLevelSettings(
  objects: ReadonlyMap<string, { readonly basic: { readonly response_time: number; readonly warning_threshold: number; readonly serious_threshold: number } }>,
): Map<string, ServiceLevelSettings> {
  const out = new Map<string, ServiceLevelSettings>()
  for (const [name, p] of objects) {
    out.set(name, Object.freeze({ name, responseTimeMs: p.basic.response_time, warningThreshold: p.basic.warning_threshold, seriousThreshold: p.basic.serious_threshold }))
  }
  return out
}

/** `slm.*` for rules: the classes of this configuration, read in the store that outlives it. */
export function serviceLevels(settings: ReadonlyMap<string, ServiceLevelSettings>, store: ServiceLevelStore, slmClassOf: (vs: string) => string): ServiceLevels {
  return {
    has: (cls) => settings.has(cls),
    conforming: (cls) => store.get(cls)?.conforming(Date.now()) ?? 100,
    threshold: (cls) => settings.get(cls)?.warningThreshold ?? 0,
    classOf: slmClassOf,
  }
}
