/**
 * What the HTTP engine needs from the process (the per-virtual-server settings are the
 * snapshot's HttpService).
 * @module
 */
import type { Clock, Logger, TimeoutSweeper } from '../core/index.ts'

/** Process-wide dependencies of the HTTP engine. */
export interface HttpEngineDeps {
  readonly clock: Clock
  readonly sweeper: TimeoutSweeper
  readonly logger: Logger
  /** Set during graceful shutdown: finish the current transaction, then close. */
  readonly lifecycle: { isDraining: boolean }
  /**
   * Time a client gets to close a connection Sluice has ended (after an error or a closing
   * response) once everything sent has left; then the socket is destroyed. More than 0.
   */
  readonly closeLingerMs: number
}
