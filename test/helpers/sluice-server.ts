/**
 * A whole Sluice (SluiceServer: the primary, its workers, the REST API on 127.0.0.1:0) in this
 * process on configuration directory `dir`, as `sluice start` runs it; the harnesses of the
 * workers, generations and cluster tests build on it.
 * @module
 */
import { hashPassword, saveUser, usersFilePath } from '../../src/api/index.ts'
import { createLogger, type LogLevel } from '../../src/core/index.ts'
import { SluiceServer, type ServerOptions } from '../../src/server.ts'
import { diagnoseConfigDir } from '../../src/snapshot/index.ts'
import { ADMIN } from '../api/harness.ts'

/** Gives `dir` the harness's admin user (ADMIN). */
export async function addAdmin(dir: string): Promise<void> {
  const saved = await saveUser(usersFilePath(dir), { name: ADMIN.user, role: 'admin', passwordHash: await hashPassword(ADMIN.password) })
  if (!saved.ok) throw new Error(saved.error)
}

/** Starts Sluice on `dir` as it is now; throws with the problems when it cannot. */
export async function startServerIn(dir: string, opts: Pick<ServerOptions, 'workers' | 'cluster'> & { level?: LogLevel } = {}): Promise<SluiceServer> {
  const report = await diagnoseConfigDir(dir)
  if (report.config === null) throw new Error(JSON.stringify(report.errors))
  const started = await SluiceServer.start({
    configDir: dir,
    config: report.config,
    isBuiltIn: false,
    logger: createLogger(opts.level ?? 'error'),
    version: 'test',
    api: { address: { host: '127.0.0.1', port: 0 }, hostNames: [], isExplicit: true },
    ruleTester: () => Promise.reject(new Error('not in these tests')),
    workers: opts.workers ?? 1,
    ...(opts.cluster === undefined ? {} : { cluster: opts.cluster }),
  })
  if (!started.ok) throw new Error(typeof started.error === 'string' ? started.error : JSON.stringify(started.error))
  return started.value
}
