import { FakeTransaction } from './fake-host.ts'
import { runTransactionViewContract } from './transaction-view.contract.ts'

runTransactionViewContract('FakeTransaction', (req) => new FakeTransaction(req))
runTransactionViewContract('FakeTransaction (async body)', (req) => new FakeTransaction({ ...req, bodyIsAsync: true }))
