/**
 * The API's listen address: `HOST:PORT` or `[V6]:PORT`, and whether it is loopback only.
 * @module
 */
import { isIP } from 'node:net'
import { err, ok, type Result } from '../core/index.ts'

/** vTM's REST port, on loopback. */
export const DEFAULT_API_ADDRESS = '127.0.0.1:9070'

export interface ApiAddress {
  readonly host: string
  readonly port: number
}

/** Parses `HOST:PORT`; port 0 asks the system for a free port. */
export function parseApiAddress(text: string): Result<ApiAddress, string> {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text.trim())
  const host = m?.[1] ?? m?.[2]
  const port = Number(m?.[3])
  if (m === null || host === undefined || !Number.isInteger(port) || port > 65535) {
    return err(`"${text}" is not HOST:PORT (IPv6 as [ADDR]:PORT)`)
  }
  return ok({ host, port })
}

/** True for addresses only this machine can reach: 127.0.0.0/8, ::1 and `localhost`. */
export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost' || host === '::1') return true
  if (isIP(host) === 4) return host.startsWith('127.')
  return host.toLowerCase() === '::ffff:127.0.0.1'
}
