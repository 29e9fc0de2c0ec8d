/**
 * The build that runs only when packing (`npm pack` calls it through `prepack`; `postpack`
 * calls it with `--clean`). Node refuses to strip TypeScript types under node_modules, so the
 * package carries the sources compiled to JavaScript in dist/; a clone keeps running the
 * TypeScript directly and never needs this.
 * @module
 */
import { spawnSync } from 'node:child_process'
import { cpSync, rmSync } from 'node:fs'
import { join } from 'node:path'

const root = join(import.meta.dirname, '..')
const dist = join(root, 'dist')

rmSync(dist, { recursive: true, force: true })
if (!process.argv.includes('--clean')) {
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc')
  const built = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' })
  if (built.status !== 0) {
    console.error('build-package: tsc failed; nothing was packed')
    process.exit(1)
  }
  // The web UI is served as TypeScript with its types stripped as it is sent (api/ui-assets.ts),
  // so its sources go into the package as they are, beside the compiled API that serves them.
  cpSync(join(root, 'src', 'ui'), join(dist, 'ui'), { recursive: true, filter: (path) => !path.endsWith('.test.ts') && !path.endsWith('tsconfig.json') })
}
