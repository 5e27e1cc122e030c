/** Array methods by what they hand back, for following a loaded list to the entities in it. */

/** One element of the list: `list.find(…)`, `list.at(0)`, `list.pop()`. */
export const SINGLE_ELEMENT_METHODS: ReadonlySet<string> = new Set(['find', 'findLast', 'at', 'pop', 'shift']);

/** The list itself or a copy, in some order: `for (const x of list.sort(…))`. */
export const LIST_COPY_METHODS: ReadonlySet<string> = new Set(['sort', 'reverse', 'filter', 'slice', 'toSorted', 'toReversed', 'concat', 'values']);

/**
 * A value that holds some of the list's elements and nothing else: one element, or a new array of
 * some of them. (`sort`/`reverse` hand back the list itself; `concat`/`values` mix in or wrap.)
 */
export const ELEMENT_HOLDING_METHODS: ReadonlySet<string> = new Set([...SINGLE_ELEMENT_METHODS, 'filter', 'slice', 'toSorted', 'toReversed']);
