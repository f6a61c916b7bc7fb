export { Ledger, LEDGER_SUFFIX, appendRecord } from './ledger';
export type { LoadedLedgers } from './ledger';
export type { IntentInput, LedgerEntry, LedgerRecord } from './ledger-records';
export { cleanup } from './cleanup';
export { deleteDefaultSecurityGroups } from './neutron-teardown';
export { awaitServerGone, isServerPath } from './compute-teardown';
export type { CleanupOptions, CleanupReport, CleanupFailure, RequestingSession } from './cleanup';
