#!/usr/bin/env node
// Entry for the `sluice` command, from a clone (`npx sluice`) or an installed package.
//
// A clone runs the TypeScript sources directly (Node 24 strips the types); the package carries
// JavaScript in dist/, because Node refuses to strip types under node_modules. Sluice needs
// Node 24: when this file is started by an older Node (the `node` a distribution ships), it runs
// the CLI on the Node 24 that the package depends on (the npm package `node`), passing signals
// through, or says plainly what is missing. Kept to syntax that old Nodes parse.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { constants } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const NEEDED_MAJOR = 24
const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const fromSource = join(root, 'src', 'cli', 'main.ts')
const main = existsSync(fromSource) ? fromSource : join(root, 'dist', 'cli', 'main.js')
const major = Number(process.versions.node.split('.')[0])

/** The Node 24 binary of the `node` dependency, wherever npm put it (nested or hoisted). */
function pinnedNode() {
  try {
    const pkg = createRequire(join(root, 'package.json')).resolve('node/package.json')
    const bin = join(dirname(pkg), 'bin', 'node')
    return existsSync(bin) ? bin : null
  } catch {
    // Not installed (npm install --omit=dependencies, or a broken install): reported below.
    return null
  }
}

if (major >= NEEDED_MAJOR) {
  await import(pathToFileURL(main).href)
} else {
  const node = pinnedNode()
  if (node === null) {
    process.stderr.write(
      `sluice: needs Node.js ${NEEDED_MAJOR} or later, and this is ${process.version}.\n` +
        `  Its own Node ${NEEDED_MAJOR} (the npm package "node") is not installed next to ${root}.\n` +
        `  Install Node ${NEEDED_MAJOR}, or reinstall Sluice with its dependencies (npm ci in a clone).\n`,
    )
    process.exit(1)
  }
  const child = spawn(node, [main, ...process.argv.slice(2)], { stdio: 'inherit' })
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => child.kill(sig))
  child.on('error', (e) => {
    process.stderr.write(`sluice: cannot run ${node}: ${e.message}\n`)
    process.exit(1)
  })
  child.on('exit', (code, signal) => process.exit(code ?? 128 + (constants.signals[signal] ?? 0)))
}
