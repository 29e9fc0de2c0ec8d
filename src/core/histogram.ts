/**
 * A fixed-bucket histogram of durations, for Prometheus: counts per bucket, a sum and a count.
 * Its memory is allocated once; recording is a short scan over the bounds and an increment.
 * @module
 */

/** Response times (ms): from 5 ms to 10 s, the usual web-service spread (Prometheus's defaults). */
export const RESPONSE_TIME_BUCKETS_MS: readonly number[] = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000]

/** Connect times (ms): from 1 ms (the same rack) to 2.5 s (a SYN retransmitted). */
export const CONNECT_TIME_BUCKETS_MS: readonly number[] = [1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500]

export class Histogram {
  /** Upper bounds (ms), increasing; a last, unbounded bucket follows them. */
  readonly boundsMs: readonly number[]
  /** Observations per bucket (not cumulative); `counts[boundsMs.length]` is the +Inf bucket. */
  readonly counts: Float64Array
  sumMs = 0
  count = 0

  constructor(boundsMs: readonly number[]) {
    this.boundsMs = boundsMs
    this.counts = new Float64Array(boundsMs.length + 1)
  }

  record(ms: number): void {
    const bounds = this.boundsMs
    let i = 0
    while (i < bounds.length && ms > (bounds[i] ?? 0)) i++
    this.counts[i] = (this.counts[i] ?? 0) + 1
    this.sumMs += ms
    this.count++
  }

  /** Observations at or below each bound, then the total: Prometheus's `le` buckets. */
  cumulative(): number[] {
    const out: number[] = []
    let total = 0
    for (const n of this.counts) out.push((total += n))
    return out
  }
}
