/**
 * Test helpers for the rules engine and for data planes that implement its host interface.
 * Import from tests and benchmarks only.
 * @module
 */
export { FakeServices, FakeTransaction } from './fake-host.ts'
export type { FakePools, FakeRequest, FakeServicesOptions } from './fake-host.ts'
export { runTransactionViewContract } from './transaction-view.contract.ts'
