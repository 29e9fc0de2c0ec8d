/**
 * How each action type delivers an event: `log` appends a line to a file, `program` runs an
 * executable, `syslog` sends RFC 5424 over UDP, and `soap` (Sluice's webhook) POSTs JSON.
 * Every delivery resolves with an outcome; none throws.
 * @module
 */
import { spawn } from 'node:child_process'
import { createSocket } from 'node:dgram'
import { appendFile, mkdir } from 'node:fs/promises'
import { hostname } from 'node:os'
import { dirname } from 'node:path'
import { errorMessage } from '../core/index.ts'
import { actionLogFile, actionProgramFile, escapeLogText, escapeLogWord } from './action-paths.ts'
import type { SluiceEvent } from '../core/index.ts'

/** An action's filled properties (section to key to value). */
export type ActionProperties = Readonly<Record<string, Readonly<Record<string, unknown>>>>

/** What a delivery may use. */
export interface DeliveryContext {
  readonly eventType: string
  readonly action: string
  /** The configuration directory: programs come from its `action_programs/`, logs go to its `.sluice/action_logs/`. */
  readonly configDir: string
  readonly env: Readonly<Record<string, string>>
  /** Delay between webhook attempts, ms (doubles each time). */
  readonly retryDelayMs: number
  readonly webhookAttempts: number
}

/** The JSON document actions receive. */
export function eventDocument(event: SluiceEvent, eventType: string): Record<string, unknown> {
  return { event_type: eventType, ...event, time: new Date(event.timeMs).toISOString() }
}

function str(props: ActionProperties, section: string, key: string): string {
  const v = props[section]?.[key]
  return typeof v === 'string' ? v : ''
}

function timeoutMs(props: ActionProperties): number {
  const v = props['basic']?.['timeout']
  return typeof v === 'number' && v > 0 ? v * 1000 : 0
}

/**
 * `log`: one line per event, in a file inside `.sluice/action_logs/`. Names and messages are
 * percent-encoded where a shell could read meaning into them, so an object name cannot smuggle
 * shell syntax into the file.
 */
export async function deliverLog(props: ActionProperties, event: SluiceEvent, ctx: DeliveryContext): Promise<string | null> {
  const file = actionLogFile(ctx.configDir, str(props, 'log', 'file'))
  if (!file.ok) return `log.file: ${file.reason}`
  const objects = Object.entries(event.objects).map(([k, v]) => `${escapeLogWord(k)}=${escapeLogWord(v)}`).join(' ')
  const what = escapeLogText(`${event.category}/${event.name}`)
  const line = `[${new Date(event.timeMs).toISOString()}] ${event.severity.toUpperCase()}\t${what}\t${escapeLogText(ctx.eventType)}\t${objects}\t${escapeLogText(event.message)}\n`
  try {
    await mkdir(dirname(file.path), { recursive: true, mode: 0o700 })
    await appendFile(file.path, line, { mode: 0o600 })
    return null
  } catch (e: unknown) {
    return errorMessage(e)
  }
}

/**
 * `program`: a file from `action_programs/`, run directly (never through a shell) with
 * `--eventtype=NAME`, the table's `--name=value` and `--event=<json>` as separate arguments; the
 * JSON also on stdin.
 */
export function deliverProgram(props: ActionProperties, event: SluiceEvent, ctx: DeliveryContext): Promise<string | null> {
  const program = actionProgramFile(ctx.configDir, str(props, 'program', 'program'))
  if (!program.ok) return Promise.resolve(`program.program: ${program.reason}`)
  const path = program.path
  const json = JSON.stringify(eventDocument(event, ctx.eventType))
  const args = [`--eventtype=${ctx.eventType}`]
  const table = props['program']?.['arguments']
  for (const row of Array.isArray(table) ? (table as unknown[]) : []) {
    if (typeof row === 'object' && row !== null && 'name' in row && typeof row.name === 'string') {
      const value = 'value' in row && typeof row.value === 'string' ? row.value : ''
      args.push(`--${row.name}=${value}`)
    }
  }
  args.push(`--event=${json}`)
  return new Promise((resolve) => {
    const child = spawn(path, args, { env: { ...ctx.env }, stdio: ['pipe', 'ignore', 'pipe'], shell: false })
    let stderr = ''
    const limit = timeoutMs(props)
    const timer = limit > 0 ? setTimeout(() => child.kill('SIGKILL'), limit) : undefined
    child.stderr.on('data', (b: Buffer) => {
      if (stderr.length < 1000) stderr += b.toString('utf8')
    })
    child.stdin.on('error', () => undefined)
    child.stdin.end(`${json}\n`)
    child.on('error', (e) => {
      clearTimeout(timer)
      resolve(errorMessage(e))
    })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      if (code === 0) resolve(null)
      else resolve(`exited with ${signal ?? String(code)}${stderr === '' ? '' : `: ${stderr.trim()}`}`)
    })
  })
}

const SYSLOG_SEVERITY: Readonly<Record<string, number>> = { info: 6, warn: 4, serious: 2, fatal: 1 }
/** Facility 3 (system daemons). */
const SYSLOG_FACILITY = 3

/** RFC 5424 message text for an event. */
export function syslogMessage(event: SluiceEvent, eventType: string, maxBytes: number): string {
  const pri = SYSLOG_FACILITY * 8 + (SYSLOG_SEVERITY[event.severity] ?? 5)
  const host = hostname() || '-'
  const msgid = `${event.category}/${event.name}`.slice(0, 32)
  const text = `<${pri}>1 ${new Date(event.timeMs).toISOString()} ${host} sluice ${process.pid} ${msgid} - ${eventType}: ${event.message}`
  const bytes = Buffer.from(text)
  return bytes.length <= maxBytes ? text : bytes.subarray(0, maxBytes).toString('utf8')
}

/** `syslog`: one UDP datagram to `syslog.sysloghost` (default 127.0.0.1:514). */
export function deliverSyslog(props: ActionProperties, event: SluiceEvent, ctx: DeliveryContext): Promise<string | null> {
  const target = str(props, 'syslog', 'sysloghost') || '127.0.0.1'
  const m = /^(?:\[([^\]]+)\]|([^:]+))(?::(\d+))?$/.exec(target)
  const host = m?.[1] ?? m?.[2] ?? '127.0.0.1'
  const port = Number(m?.[3] ?? '514')
  const limit = props['basic']?.['syslog_msg_len_limit']
  const message = Buffer.from(syslogMessage(event, ctx.eventType, typeof limit === 'number' ? limit : 2048))
  return new Promise((resolve) => {
    const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4')
    socket.on('error', (e) => {
      socket.close()
      resolve(errorMessage(e))
    })
    socket.send(message, port, host, (e) => {
      socket.close()
      resolve(e === null ? null : errorMessage(e))
    })
  })
}

/**
 * `webhook` (Sluice's section `webhook`: url, username, password, attempts, additional_data) and,
 * for configurations written before it existed, `soap` with the URL in `soap.proxy`: POST the
 * event as JSON, retrying failures.
 */
export async function deliverWebhook(props: ActionProperties, event: SluiceEvent, ctx: DeliveryContext): Promise<string | null> {
  const section = props['basic']?.['type'] === 'webhook' ? 'webhook' : 'soap'
  const urlKey = section === 'webhook' ? 'url' : 'proxy'
  const url = str(props, section, urlKey)
  if (!/^https?:\/\//.test(url)) return `${section}.${urlKey} must be an http:// or https:// URL`
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  const user = str(props, section, 'username')
  if (user !== '') headers['authorization'] = `Basic ${Buffer.from(`${user}:${str(props, section, 'password')}`).toString('base64')}`
  const body = JSON.stringify({ ...eventDocument(event, ctx.eventType), additional_data: str(props, section, 'additional_data') })
  const configured = props['webhook']?.['attempts']
  const attempts = section === 'webhook' && typeof configured === 'number' ? configured : ctx.webhookAttempts
  const limit = timeoutMs(props) || 60_000
  let last = ''
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, ctx.retryDelayMs * 2 ** (attempt - 1)))
    try {
      const res = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(limit) })
      await res.arrayBuffer()
      if (res.ok) return null
      last = `HTTP ${String(res.status)}`
    } catch (e: unknown) {
      last = errorMessage(e)
    }
  }
  return `${String(attempts)} attempts failed; last: ${last}`
}
