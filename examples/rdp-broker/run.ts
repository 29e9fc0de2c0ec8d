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
import { spawn } from 'node:child_process'
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startDesktop, type Desktop } from './desktops.ts'
import { startDirectory } from './directory.ts'
import { connectionRequest } from './rdp-packet.ts'

const here = dirname(fileURLToPath(import.meta.url))
const repo = join(here, '..', '..')
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
  // A private copy of the configuration with the chosen port.
  const configDir = await mkdtemp(join(tmpdir(), 'rdp-broker-'))
  await cp(join(here, 'config'), configDir, { recursive: true })
  const vsFile = join(configDir, 'virtual_servers', 'rdp')
  const vs = JSON.parse(await readFile(vsFile, 'utf8')) as { properties: { basic: { port: number } } }
  vs.properties.basic.port = port
  await writeFile(vsFile, JSON.stringify(vs, null, 2))
  const sluice = spawn(process.execPath, [join(repo, 'src', 'cli', 'main.ts'), 'start', '--config', configDir, '--api', 'off'], {
    stdio: ['ignore', 'inherit', 'pipe'],
  })
  // Sluice's process log (its banner included) is on standard error.
  await new Promise<void>((resolve, reject) => {
    sluice.stderr.on('data', (c: Buffer) => {
      process.stderr.write(c)
      if (c.toString().includes('press Ctrl-C')) resolve()
    })
    sluice.once('exit', (code) => {
      reject(new Error(`sluice exited with ${String(code)}`))
    })
  })
  const stop = async () => {
    sluice.kill('SIGTERM')
    await Promise.all([...desktops.map((d) => d.close()), directory.close()])
    await rm(configDir, { recursive: true, force: true })
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
