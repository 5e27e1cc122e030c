/** An ESLint fix: replace `range` of the source text with `text`. */
export interface TextEdit {
  range: readonly [number, number];
  text: string;
}

export function applyEdit(source: string, edit: TextEdit): string {
  return source.slice(0, edit.range[0]) + edit.text + source.slice(edit.range[1]);
}

/**
 * A unified diff (one hunk) of a single-range edit. Between the first and the last line that differ
 * everything is shown as removed and added, which is exact for one contiguous replacement and
 * needs no general diff algorithm.
 */
export function unifiedDiff(file: string, before: string, after: string, context = 3): string {
  const a = before.split('\n');
  const b = after.split('\n');
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  if (start === a.length && start === b.length) return '';
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const from = Math.max(0, start - context);
  const toA = Math.min(a.length, endA + context);
  const toB = endB + (toA - endA);
  const range = (first: number, count: number): string => `${String(count === 0 ? first : first + 1)},${String(count)}`;
  return [
    `--- a/${file}`,
    `+++ b/${file}`,
    `@@ -${range(from, toA - from)} +${range(from, toB - from)} @@`,
    ...a.slice(from, start).map((line) => ` ${line}`),
    ...a.slice(start, endA).map((line) => `-${line}`),
    ...b.slice(start, endB).map((line) => `+${line}`),
    ...a.slice(endA, toA).map((line) => ` ${line}`),
  ].join('\n');
}
