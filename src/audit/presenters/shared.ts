import type { Excerpt } from '../report.js';
import { inlineCode } from '../text.js';
import type { FindingBase, FindingInput } from './types.js';

const MAX_EXCERPT_LINES = 12;

/** Where a finding is, for its title: its function, or its file. */
export function whereOf(base: FindingBase): string {
  return inlineCode(base.function ?? base.location.file);
}

/** The reported lines (at most twelve) and any other lines a presenter names. */
export function reportExcerpt(input: FindingInput<unknown>, lines: readonly (number | undefined)[] = []): Excerpt {
  const { message } = input;
  const end = Math.min(message.endLine ?? message.line, message.line + MAX_EXCERPT_LINES - 1);
  const ranges: [number, number][] = [[message.line, end]];
  for (const line of lines) if (line != null) ranges.push([line, line]);
  return input.context.sources.excerpt(input.file, ranges);
}

/** A function as a diagram names its participant: the function, or the file when there is none. */
export function participantOf(base: FindingBase): string {
  return base.function ?? base.location.file;
}
