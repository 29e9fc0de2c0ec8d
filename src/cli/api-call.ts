/**
 * One REST API call as a user, for the commands that drive a running Sluice (`cluster status`,
 * `generation ...`): Basic credentials, a time bound, the JSON answer, and the API's own words
 * when it refuses.
 * @module
 */

export interface ApiCallOptions {
  /** The REST API's origin, `http://127.0.0.1:9070`. */
  readonly api: string
  readonly user: string
  readonly password: string
}

/** The parsed answer of a 200, or the line to print when there is none. */
export type ApiAnswer = { readonly ok: true; readonly body: Record<string, unknown> } | { readonly ok: false; readonly problem: string }

/** Bounds the wait for the API: these calls are quick, an API that does not answer is an error. */
const TIMEOUT_MS = 15_000

export async function apiCall(o: ApiCallOptions, method: string, path: string, body?: unknown): Promise<ApiAnswer> {
  let target: URL
  try {
    target = new URL(path, o.api)
  } catch {
    return { ok: false, problem: `--api "${o.api}" is not a URL (http://127.0.0.1:9070)` }
  }
  let res: Response
  try {
    res = await fetch(target, {
      method,
      headers: { authorization: `Basic ${Buffer.from(`${o.user}:${o.password}`).toString('base64')}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    })
  } catch (e: unknown) {
    return { ok: false, problem: `${target.origin}: ${e instanceof Error ? e.message : String(e)}` }
  }
  const text = await res.text()
  let parsed: Record<string, unknown> = {}
  try {
    parsed = JSON.parse(text) as Record<string, unknown>
  } catch {
    parsed = {}
  }
  if (res.status === 200) return { ok: true, body: parsed }
  const error = parsed['error'] as Record<string, unknown> | undefined
  return { ok: false, problem: `the API answered ${String(res.status)}: ${typeof error?.['error_text'] === 'string' ? error['error_text'] : text.slice(0, 200)}` }
}
