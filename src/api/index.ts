/**
 * The REST control API: vTM-shaped configuration, statistics and event resources, with users,
 * an audit log and an OpenAPI document generated from the configuration schema.
 * @module
 */
export { ApiServer } from './api-server.ts'
export type { ApiServerOptions, ApiLimits } from './api-server.ts'
export { DEFAULT_API_LIMITS } from './api-server.ts'
export type { ApiApp, ApplicationStatus, GenerationRowStatus, WorkerInfo, WorkersView } from './api-context.ts'
export { API_VERSIONS } from './api-context.ts'
export { parseApiAddress, isLoopbackHost, DEFAULT_API_ADDRESS } from './listen-address.ts'
export type { ApiAddress } from './listen-address.ts'
export { hashPassword, verifyPassword } from './password.ts'
export { ensureFirstAdmin, FIRST_ADMIN } from './first-admin.ts'
export type { FirstAdmin } from './first-admin.ts'
export { loadUsers, saveUser, usersFilePath, sluiceStateDir } from './users.ts'
export type { ApiUser, ApiRole } from './users.ts'
export { buildOpenApi } from './openapi.ts'
export { configFingerprint } from './config-fingerprint.ts'
export { ConfigEditor } from './config-editor.ts'
export type { ChangeOutcome } from './config-editor.ts'
export { AuditLog } from './audit-log.ts'
export type { AuditEntry } from './audit-log.ts'
export { redactSecrets, REDACTED } from './redact.ts'
export type { RuleTester, RuleTestInput } from './ui-rule-test.ts'
export type { SessionLimits } from './ui-session.ts'
export { DEFAULT_SESSION_LIMITS } from './ui-session.ts'
