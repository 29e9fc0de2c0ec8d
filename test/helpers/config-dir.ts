/**
 * A configuration directory in a temporary folder, made of `files` (path → content), removed
 * when the test ends.
 * @module
 */
import type { TestContext } from 'node:test'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'

export async function configDir(t: TestContext, files: Record<string, string>, prefix = 'sluice-check-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix))
  t.after(() => rm(dir, { recursive: true, force: true }))
  for (const [rel, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, rel)), { recursive: true })
    await writeFile(join(dir, rel), content)
  }
  return dir
}
