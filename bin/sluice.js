#!/usr/bin/env node
// Entry for `npx sluice`. Sluice needs Node 24 (type stripping); when launched by an older
// Node, re-run the CLI on the Node pinned in node_modules and pass signals through.
import { spawn } from 'node:child_process'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { dirname, join } from 'node:path'
import { existsSync } from 'node:fs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const main = join(root, 'src', 'cli', 'main.ts')
const major = Number(process.versions.node.split('.')[0])

if (major >= 24) {
  await import(pathToFileURL(main).href)
} else {
  const pinned = join(root, 'node_modules', 'node', 'bin', 'node')
  if (!existsSync(pinned)) {
    console.error('sluice: needs Node 24 or later; run `npm ci` in ' + root + ' to install it')
    process.exit(1)
  }
  const child = spawn(pinned, [main, ...process.argv.slice(2)], { stdio: 'inherit' })
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => child.kill(sig))
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
}
