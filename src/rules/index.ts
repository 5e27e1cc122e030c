import noNetworkAwaitInTransaction from './no-network-await-in-transaction.js';
import noStaleSave from './no-stale-save.js';

/** Every rule, sorted by name. */
export const rules = {
  'no-network-await-in-transaction': noNetworkAwaitInTransaction,
  'no-stale-save': noStaleSave,
};
