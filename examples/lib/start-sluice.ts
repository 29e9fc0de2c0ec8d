/**
 * Starts the real `sluice start` on a private copy of an example's configuration, with one
 * virtual server's port set, and resolves once it is serving. Shared by the examples' run.ts.
 * @module
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const repo = join(import.meta.dirname, '..', '..')

export interface RunningExample {
  /** Stops Sluice (SIGTERM) and removes the configuration copy. */
  stop(): Promise<void>
}

/**
 * `configDir`'s copy gets `port` in `virtual_servers/<vsName>`; Sluice's log goes to stderr.
 * `args` are more options for `sluice start` (the API is off unless they say otherwise);
 * `prepare` may add files to the copy first (an API user).
 */
export async function startSluice(configDir: string, vsName: string, port: number, args: readonly string[] = ['--api', 'off'], prepare?: (copy: string) => Promise<void>): Promise<RunningExample> {
  const copy = await mkdtemp(join(tmpdir(), 'sluice-example-'))
  await cp(configDir, copy, { recursive: true })
  await prepare?.(copy)
  const vsFile = join(copy, 'virtual_servers', vsName)
  const vs = JSON.parse(await readFile(vsFile, 'utf8')) as { properties: { basic: { port: number } } }
  vs.properties.basic.port = port
  await writeFile(vsFile, JSON.stringify(vs, null, 2))
  const sluice = spawn(process.execPath, [join(repo, 'src', 'cli', 'main.ts'), 'start', '--config', copy, ...args], {
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
  return {
    async stop() {
      // Sluice writes its state directory inside the copy until it has exited.
      const exited = sluice.exitCode === null && sluice.signalCode === null ? once(sluice, 'exit') : Promise.resolve()
      sluice.kill('SIGTERM')
      await exited
      await rm(copy, { recursive: true, force: true })
    },
  }
}
