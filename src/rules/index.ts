import noStaleSave from './no-stale-save.js';

/** Every rule, sorted by name. */
export const rules = {
  'no-stale-save': noStaleSave,
};
