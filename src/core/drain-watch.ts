/**
 * The bytes still queued for a peer on a connection Sluice has ended. While they keep leaving,
 * the peer is reading and may take its time; once they have not moved for the connection's idle
 * timeout, it is not reading, and the connection is closed.
 * @module
 */
export class DrainWatch {
  #queued = 0
  #stalledMs = 0

  /** The connection was just ended with `queued` bytes not yet sent. */
  start(queued: number): void {
    this.#queued = queued
    this.#stalledMs = 0
  }

  /**
   * Looks again `stepMs` after the last look, with `queued` bytes left: true while the peer
   * should be given more time (bytes remain and have moved within `idleMs`; 0 = no limit).
   */
  keepWaiting(queued: number, stepMs: number, idleMs: number): boolean {
    if (queued === 0) return false
    this.#stalledMs = queued < this.#queued ? 0 : this.#stalledMs + stepMs
    this.#queued = queued
    return idleMs === 0 || this.#stalledMs < idleMs
  }
}
