/**
 * stats.*: timings of the current transaction, in milliseconds.
 * @module
 */
import type { LibraryModule } from '../registry.ts'

export const statsModule: LibraryModule = {
  functions: {
    'stats.getQueueTime': { min: 0, max: 0, fn: (s) => Math.round(s.view.getQueueTimeMs()) },
    'stats.getServerResponseTime': { min: 0, max: 0, fn: (s) => Math.round(s.view.getServerResponseTimeMs()) },
    'stats.getTransactionDuration': { min: 0, max: 0, fn: (s) => Math.round(s.view.getTransactionDurationMs()) },
  },
}
