import noNetworkAwaitInTransaction from './no-network-await-in-transaction.js';
import noOuterClientInTransaction from './no-outer-client-in-transaction.js';
import noStaleDerivedWrite from './no-stale-derived-write.js';
import noStaleSave from './no-stale-save.js';
import requireLockReleaseInFinally from './require-lock-release-in-finally.js';
import requireStateGuard from './require-state-guard.js';

/** Every rule, sorted by name. */
export const rules = {
  'no-network-await-in-transaction': noNetworkAwaitInTransaction,
  'no-outer-client-in-transaction': noOuterClientInTransaction,
  'no-stale-derived-write': noStaleDerivedWrite,
  'no-stale-save': noStaleSave,
  'require-lock-release-in-finally': requireLockReleaseInFinally,
  'require-state-guard': requireStateGuard,
};
