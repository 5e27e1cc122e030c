import fs from 'node:fs';

import type { Excerpt } from './report.js';

/** File texts, read once; excerpts and diffs come from the same text ESLint linted. */
export class SourceCache {
  private readonly texts = new Map<string, string | undefined>();

  text(file: string): string | undefined {
    if (!this.texts.has(file)) {
      let text: string | undefined;
      try {
        text = fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
      } catch {
        text = undefined;
      }
      this.texts.set(file, text);
    }
    return this.texts.get(file);
  }

  lines(file: string): string[] {
    return this.text(file)?.split(/\r?\n/) ?? [];
  }

  linesMatching(file: string, pattern: RegExp, from: number, to: number): number[] {
    const lines = this.lines(file);
    const found: number[] = [];
    for (let line = from; line <= to && line <= lines.length; line++) if (pattern.test(lines[line - 1] ?? '')) found.push(line);
    return found;
  }

  /** A line's code without its indentation. */
  lineText(file: string, line: number): string {
    return (this.lines(file)[line - 1] ?? '').trim();
  }

  /** The 1-based column where a line's code starts. */
  firstColumn(file: string, line: number): number {
    return (/^\s*/.exec(this.lines(file)[line - 1] ?? '')?.[0].length ?? 0) + 1;
  }

  /** Merged, sorted line ranges, without their common indentation. */
  excerpt(file: string, ranges: readonly [number, number][]): Excerpt {
    const lines = this.lines(file);
    const sorted = ranges
      .map(([start, end]): [number, number] => [Math.max(1, start), Math.min(lines.length, Math.max(start, end))])
      .filter(([start, end]) => start <= end)
      .sort((a, b) => a[0] - b[0]);
    const merged: [number, number][] = [];
    for (const range of sorted) {
      const last = merged.at(-1);
      if (last != null && range[0] <= last[1] + 1) last[1] = Math.max(last[1], range[1]);
      else merged.push([...range]);
    }
    const segments = merged.map(([start, end]) => ({ startLine: start, lines: lines.slice(start - 1, end) }));
    const indents = segments.flatMap((segment) => segment.lines.filter((line) => line.trim() !== '').map((line) => /^\s*/.exec(line)?.[0].length ?? 0));
    const indent = indents.length === 0 ? 0 : Math.min(...indents);
    return { segments: segments.map((segment) => ({ startLine: segment.startLine, lines: segment.lines.map((line) => line.slice(indent)) })) };
  }
}
