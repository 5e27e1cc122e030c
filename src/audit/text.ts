/* Small helpers for the sentences of the report: counts with their noun, lists, inline code. */

export function plural(count: number, one: string, many: string): string {
  return count === 1 ? one : many;
}

/** `1 column`, `3 columns`. */
export function counted(count: number, one: string, many: string): string {
  return `${String(count)} ${plural(count, one, many)}`;
}

/** `a`, `a and b`, `a, b and c`. */
export function listText(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1) ?? ''}`;
}

/**
 * An inline code span that survives backticks in what it shows (a column named with one): the
 * delimiter is longer than any backtick run inside, padded when the text starts or ends with one.
 */
export function inlineCode(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((run) => run[0].length));
  const marker = '`'.repeat(longest + 1);
  const padding = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${marker}${padding}${text}${padding}${marker}`;
}
