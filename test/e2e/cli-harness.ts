/**
 * Runs the real `sluice` command as a child process and reads what it prints.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const MAIN = join(ROOT, 'src', 'cli', 'main.ts')

export interface RunningSluice {
  readonly child: ChildProcess
  output(): string
  /** Resolves when a line matching `re` has been printed (rejects after `timeoutMs`). */
  waitFor(re: RegExp, timeoutMs?: number): Promise<string>
  /** Sends `signal` and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>
}

/** Starts `sluice ARGS`, with `env` added to this process's environment. */
export function startSluice(args: readonly string[], env: Readonly<Record<string, string>> = {}): RunningSluice {
  const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } })
  let out = ''
  const waiters: { re: RegExp; resolve: (line: string) => void }[] = []
  const onText = (chunk: Buffer) => {
    out += chunk.toString('utf8')
    for (const w of waiters.splice(0)) {
      const m = w.re.exec(out)
      if (m) w.resolve(m[0])
      else waiters.push(w)
    }
  }
  child.stdout.on('data', onText)
  child.stderr.on('data', onText)
  const exited = once(child, 'exit')
  return {
    child,
    output: () => out,
    waitFor(re, timeoutMs = 10_000) {
      const m = re.exec(out)
      if (m) return Promise.resolve(m[0])
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          reject(new Error(`timed out waiting for ${String(re)}; output so far:\n${out}`))
        }, timeoutMs)
        waiters.push({
          re,
          resolve: (line) => {
            clearTimeout(timer)
            resolve(line)
          },
        })
        void exited.then(() => {
          clearTimeout(timer)
          reject(new Error(`sluice exited while waiting for ${String(re)}; output:\n${out}`))
        })
      })
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal)
      const [code] = (await exited) as [number | null]
      return code
    },
  }
}

/** Runs `sluice ARGS` to completion. */
export async function runSluice(args: readonly string[]): Promise<{ code: number | null; output: string }> {
  const s = startSluice(args)
  const [code] = (await once(s.child, 'exit')) as [number | null]
  return { code, output: s.output() }
}

export { freePort } from '../helpers/nodes.ts'

/** Runs `sluice ARGS` to its end with `stdin` as its standard input (at most 15 s): its exit code and output. */
export async function runSluiceWithInput(args: readonly string[], stdin: string): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.on('data', (c: Buffer) => (output += c.toString()))
  child.stderr.on('data', (c: Buffer) => (output += c.toString()))
  child.stdin.end(stdin)
  const timer = setTimeout(() => child.kill(), 15_000)
  const [code] = (await once(child, 'exit')) as [number | null]
  clearTimeout(timer)
  return { code, output }
}
