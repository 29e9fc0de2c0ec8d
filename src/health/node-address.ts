/**
 * Parsing of node and machine labels (`host:port`, `[v6]:port`, bare host) into probe targets.
 * @module
 */
import { ok, err } from '../core/index.ts'
import type { Result } from '../core/index.ts'
import type { ProbeTarget } from './types.ts'

const PORT_RE = /^[0-9]{1,5}$/

/**
 * Parses `host:port` or `[ipv6]:port`. With `portOptional`, a bare host (or `[ipv6]`) is accepted
 * too, as `ping` machines have no port. Returns a message on failure.
 */
export function parseNodeAddress(label: string, portOptional = false): Result<ProbeTarget, string> {
  const text = label.trim()
  if (text === '') return err('address is empty')
  let host: string
  let portText: string | undefined
  if (text.startsWith('[')) {
    const close = text.indexOf(']')
    if (close < 0) return err(`'${label}' has no closing ']'`)
    host = text.slice(1, close)
    const rest = text.slice(close + 1)
    if (rest !== '') {
      if (!rest.startsWith(':')) return err(`'${label}' has junk after ']'`)
      portText = rest.slice(1)
    }
  } else {
    const colon = text.lastIndexOf(':')
    // More than one colon without brackets is a bare IPv6 address, which cannot carry a port.
    if (colon >= 0 && text.indexOf(':') === colon) {
      host = text.slice(0, colon)
      portText = text.slice(colon + 1)
    } else {
      host = text
    }
  }
  if (host === '') return err(`'${label}' has no host`)
  if (portText === undefined) {
    if (!portOptional) return err(`'${label}' has no port (expected host:port)`)
    return ok({ host, label: text })
  }
  const port = PORT_RE.test(portText) ? Number(portText) : NaN
  if (!(port >= 1 && port <= 65535)) return err(`'${label}' has an invalid port`)
  return ok({ host, port, label: text })
}
