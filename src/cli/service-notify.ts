/**
 * Telling a service manager how Sluice is doing: systemd's readiness protocol (sd_notify). When
 * systemd starts Sluice with `Type=notify` it sets NOTIFY_SOCKET, a Unix datagram socket; Node
 * cannot send Unix datagrams, so the messages go through `systemd-notify`, which systemd ships
 * beside itself (the unit needs `NotifyAccess=all`, since the sender is a child process).
 * Without NOTIFY_SOCKET nothing is sent and nothing is started.
 * @module
 */
import { execFile } from 'node:child_process'
import type { Logger } from '../core/index.ts'

/** What Sluice reports to the service manager. */
export interface ServiceNotifier {
  /** Every listener is bound and the API is up: READY=1, with this process as the main one. */
  ready(status: string): void
  /** A one-line status (`systemctl status` shows it). */
  status(text: string): void
  /** Shutting down: STOPPING=1. */
  stopping(): void
}

/** Runs `systemd-notify` with the given assignments; resolves with an error text or null. */
export type NotifySender = (assignments: readonly string[]) => Promise<string | null>

/** How long one `systemd-notify` may take (it waits for systemd to read the message). */
const SEND_TIMEOUT_MS = 5000

const viaSystemdNotify: NotifySender = (assignments) =>
  new Promise((resolve) => {
    execFile('systemd-notify', [...assignments], { timeout: SEND_TIMEOUT_MS }, (e) => {
      resolve(e === null ? null : e.message)
    })
  })

/** Status text is one line; systemd shows it as given. */
function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ')
}

/**
 * The notifier for this process: a real one when `env.NOTIFY_SOCKET` is set, otherwise one that
 * does nothing. A failure to notify is logged once (readiness then never arrives, and systemd
 * says so after TimeoutStartSec), never fatal.
 */
export function serviceNotifier(env: NodeJS.ProcessEnv, logger: Logger, pid: number, send: NotifySender = viaSystemdNotify): ServiceNotifier {
  if (env['NOTIFY_SOCKET'] === undefined || env['NOTIFY_SOCKET'] === '') return { ready() {}, status() {}, stopping() {} }
  let hasFailed = false
  const notify = (assignments: readonly string[]) => {
    void send(assignments).then((error) => {
      if (error === null || hasFailed) return
      hasFailed = true
      logger.warn(`cannot notify systemd (${error}); is systemd-notify installed? Or use Type=exec in the unit`)
    })
  }
  return {
    ready(status) {
      notify(['READY=1', `MAINPID=${String(pid)}`, `STATUS=${oneLine(status)}`])
    },
    status(text) {
      notify([`STATUS=${oneLine(text)}`])
    },
    stopping() {
      notify(['STOPPING=1', 'STATUS=stopping'])
    },
  }
}
