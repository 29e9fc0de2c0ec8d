/**
 * The UI's only way to Sluice: the REST API. Every call is an ordinary API request; the
 * session cookie goes along by itself, and changes carry the session's CSRF token.
 * @module
 */

/** The versioned API root. */
export const API = '/api/tm/8.3'

/** Who is logged in, as `/api/session` says. */
export interface Session {
  readonly user: string | null
  readonly role?: 'admin' | 'readonly'
  readonly csrf_token?: string
  readonly read_only: boolean
  readonly users_exist?: boolean
}

/** An answer from the API. */
export interface Reply {
  readonly status: number
  readonly ok: boolean
  readonly body: unknown
  readonly text: string
}

let session: Session = { user: null, read_only: true }
let onLoggedOut: () => void = () => undefined

export function currentSession(): Session {
  return session
}

/** Whether the logged-in user may change the configuration. */
export function canEdit(): boolean {
  return session.user !== null && session.role === 'admin' && !session.read_only
}

/** What to do when the API says the session has ended. */
export function whenLoggedOut(handler: () => void): void {
  onLoggedOut = handler
}

/** Calls the API. `body`: a string is sent as it is (rules), anything else as JSON. */
export async function call(method: string, path: string, body?: unknown): Promise<Reply> {
  const headers: Record<string, string> = { accept: 'application/json', 'x-requested-with': 'XMLHttpRequest' }
  if (method !== 'GET' && session.csrf_token !== undefined) headers['x-csrf-token'] = session.csrf_token
  let payload: string | undefined
  if (body !== undefined) {
    payload = typeof body === 'string' ? body : JSON.stringify(body)
    headers['content-type'] = typeof body === 'string' ? 'application/octet-stream' : 'application/json'
  }
  const res = await fetch(path, { method, headers, credentials: 'same-origin', ...(payload === undefined ? {} : { body: payload }) })
  const text = await res.text()
  let parsed: unknown
  try {
    parsed = text === '' ? undefined : JSON.parse(text)
  } catch {
    parsed = undefined
  }
  if (res.status === 401 && session.user !== null && path !== '/api/session') {
    session = { user: null, read_only: session.read_only, users_exist: true }
    onLoggedOut()
  }
  return { status: res.status, ok: res.ok, body: parsed, text }
}

/** Reads who is logged in. */
export async function loadSession(): Promise<Session> {
  const r = await call('GET', '/api/session')
  session = r.ok && isRecord(r.body) ? (r.body as unknown as Session) : { user: null, read_only: true }
  return session
}

/** Logs in; returns the API's reason on failure. */
export async function logIn(username: string, password: string): Promise<string | undefined> {
  const r = await call('POST', '/api/session', { username, password })
  if (r.ok && isRecord(r.body)) {
    session = r.body as unknown as Session
    return undefined
  }
  return errorText(r)
}

/** Logs out. */
export async function logOut(): Promise<void> {
  await call('DELETE', '/api/session')
  session = { user: null, read_only: session.read_only, users_exist: true }
}

/** The API's error text of a failed reply. */
export function errorText(r: Reply): string {
  const e = field(r.body, 'error')
  const text = field(e, 'error_text')
  return typeof text === 'string' ? text : `the API answered ${String(r.status)}`
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** `v[name]` when `v` is an object. */
export function field(v: unknown, name: string): unknown {
  return isRecord(v) ? v[name] : undefined
}

/** A path segment, encoded. */
export function seg(name: string): string {
  return encodeURIComponent(name)
}
