/**
 * Listeners on port 0, read back (issue #20 item 6): a test gives its virtual servers port 0,
 * the system picks a free port when Sluice binds, and the test asks which one. Nothing can take
 * the port between choosing and binding, as it could with a port picked in advance.
 * @module
 */

/** What has listeners to read back (the App, SluiceServer.app). */
interface Bound {
  bound(): readonly { readonly virtualServer: string; readonly port: number }[]
}

/** The port virtual server `vs` listens on (its first listener). */
export function boundPort(app: Bound, vs: string): number {
  const found = app.bound().find((b) => b.virtualServer === vs)
  if (found === undefined) throw new Error(`virtual server "${vs}" does not listen (listening: ${app.bound().map((b) => b.virtualServer).join(', ') || 'nothing'})`)
  return found.port
}

/** The port in a `sluice start` banner line: `listening: virtual server "web" on http://127.0.0.1:PORT/`. */
export function bannerPort(line: string): number {
  const m = /:(\d+)\/?(?:\s|$)/.exec(line)
  if (m === null) throw new Error(`no port in "${line}"`)
  return Number(m[1])
}
