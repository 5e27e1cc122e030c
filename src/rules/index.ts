/** Every rule, sorted by name. */
export const rules = {};
