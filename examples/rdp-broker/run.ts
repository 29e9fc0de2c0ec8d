/**
 * Runs the whole broker on one machine: three stand-in desktops (127.0.0.1:13389-13391), the
 * directory service (127.0.0.1:8500, as the rule expects) and Sluice with this example's
 * configuration, its RDP virtual server on `--port` (default 3389).
 *
 *   npx node examples/rdp-broker/run.ts [--port 3389] [--demo]
 *
 * With `--demo` it connects as alice, bob, carol and mallory (unknown) twice each, prints where
 * every connection landed, and stops; otherwise it runs until Ctrl-C.
 * @module
 */
import { connect } from 'node:net'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startSluice } from '../lib/start-sluice.ts'
import { startDesktop, type Desktop } from './desktops.ts'
import { startDirectory } from './directory.ts'
import { connectionRequest } from './rdp-packet.ts'

const here = dirname(fileURLToPath(import.meta.url))
const USERS: ReadonlyMap<string, number> = new Map([['alice', 13389], ['bob', 13390], ['carol', 13391]])

function option(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`)
  return at < 0 ? undefined : process.argv[at + 1]
}

/** Sends one connection request as `user`; resolves with what came back before the close. */
export function tryUser(port: number, user: string): Promise<string> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port })
    let text = ''
    const timer = setTimeout(() => s.destroy(), 5000)
    s.on('error', () => undefined)
    s.on('data', (c: Buffer) => (text += c.subarray(c[0] === 3 ? 11 : 0).toString('latin1')))
    s.on('close', () => {
      clearTimeout(timer)
      resolve(text.trim() === '' ? '(connection dropped)' : text.trim())
    })
    s.write(connectionRequest(user))
  })
}

async function main(): Promise<void> {
  const port = Number(option('port') ?? 3389)
  const desktops: Desktop[] = []
  for (const [user, desktopPort] of USERS) desktops.push(await startDesktop(`${user}-pc`, desktopPort))
  const directory = await startDirectory(new Map([...USERS].map(([user, p]) => [user, `127.0.0.1:${String(p)}`])), 8500)
  const sluice = await startSluice(join(here, 'config'), 'rdp', port)
  const stop = async () => {
    await sluice.stop()
    await Promise.all([...desktops.map((d) => d.close()), directory.close()])
  }
  if (!process.argv.includes('--demo')) {
    process.once('SIGINT', () => void stop())
    return
  }
  for (let round = 1; round <= 2; round++) {
    for (const user of ['alice', 'bob', 'carol', 'mallory']) {
      console.log(`round ${String(round)}: ${user} -> ${await tryUser(port, user)}`)
    }
  }
  await stop()
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main()
