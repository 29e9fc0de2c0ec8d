/**
 * Generations of an application behind a virtual server (issue #19, docs/generations.md):
 * testing, current, draining and reaped generations, each a pool; sessions stay on the
 * generation they began on; testers reach the testing one.
 *
 * Use: the snapshot builds a `GenerationPlan` per virtual server; the HTTP engine calls
 * `chooseGeneration` before routing and `generationResponse` on the node's answer.
 * @module
 */
export { generationTableName, servesSessions } from './generation-plan.ts'
export type { Generation, GenerationPlan, GenerationState, SessionKeySource, Testers } from './generation-plan.ts'
export { GenerationStore } from './generation-store.ts'
export { GenerationCounters, addGenerationNumbers, RATE_WINDOW_S } from './generation-counters.ts'
export type { GenerationNumbers } from './generation-counters.ts'
export { chooseGeneration } from './choose.ts'
export type { GenerationRequest, GenerationTicket } from './choose.ts'
export { generationResponse } from './respond.ts'
export { GENERATION_NAME } from './session-cookie.ts'
export { GenerationWatch, generationsView, sessionCounts } from './generation-watch.ts'
export type { GenerationsView } from './generation-watch.ts'
export { loadGenerationState, saveGenerationState } from './generation-state-file.ts'
export type { SavedGenerations, SavedSession } from './generation-state-file.ts'
export { generationChanges } from './generation-changes.ts'
