/**
 * Counts a finished transaction's response in its service level monitor (docs/slm.md).
 * @module
 */
import type { ServiceLevelService } from '../snapshot/index.ts'
import type { NodeLeg } from './node-leg.ts'

/**
 * The rule's class (`ruleClass`), else the virtual server's. The time is until the response
 * began: the node's head, or the whole transaction when Sluice answered itself.
 */
export function recordServiceLevel(slm: ServiceLevelService, ruleClass: string | null, leg: NodeLeg, startMono: number, durationMs: number): void {
  const name = ruleClass ?? slm.defaultClass
  if (name === '') return
  slm.classes.record(name, leg.nodeResponseMs >= 0 ? leg.sentMono - startMono + leg.nodeResponseMs : durationMs)
}
