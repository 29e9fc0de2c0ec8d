/**
 * `sluice cache purge`: purges a running Sluice's web cache through its REST API (DELETE
 * status/local_tm/web_cache), as an admin user whose password is the first line of standard
 * input, so it never shows in the process list or the shell history.
 * @module
 */

export interface CachePurgeOptions {
  /** The REST API's origin, `http://127.0.0.1:9070`. */
  readonly api: string
  readonly user: string
  readonly password: string
  readonly virtualServer: string | undefined
  readonly url: string | undefined
  readonly isPrefix: boolean
}

/** Bounds the wait for the API: a purge is quick, an API that does not answer is an error. */
const PURGE_TIMEOUT_MS = 10_000

/** Runs the purge; returns the exit status (0 purged, 1 the API refused or could not be reached). */
export async function cachePurge(o: CachePurgeOptions, out: (line: string) => void, errOut: (line: string) => void): Promise<number> {
  let target: URL
  try {
    target = new URL('/api/tm/8.3/status/local_tm/web_cache', o.api)
  } catch {
    errOut(`sluice cache purge: --api "${o.api}" is not a URL (http://127.0.0.1:9070)`)
    return 1
  }
  if (o.virtualServer !== undefined) target.searchParams.set('virtual_server', o.virtualServer)
  if (o.url !== undefined) target.searchParams.set('url', o.url)
  if (o.isPrefix) target.searchParams.set('prefix', 'true')
  const auth = `Basic ${Buffer.from(`${o.user}:${o.password}`).toString('base64')}`
  let res: Response
  try {
    res = await fetch(target, { method: 'DELETE', headers: { authorization: auth }, signal: AbortSignal.timeout(PURGE_TIMEOUT_MS) })
  } catch (e: unknown) {
    errOut(`sluice cache purge: ${target.origin}: ${e instanceof Error ? e.message : String(e)}`)
    return 1
  }
  const text = await res.text()
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    body = undefined
  }
  if (res.status === 200 && typeof body === 'object' && body !== null && 'purged' in body) {
    out(`purged ${String(body.purged)} entries`)
    return 0
  }
  const reason = typeof body === 'object' && body !== null && 'error' in body ? JSON.stringify(body.error) : text.slice(0, 200)
  errOut(`sluice cache purge: the API answered ${String(res.status)}: ${reason}`)
  return 1
}
