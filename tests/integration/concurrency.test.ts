import path from 'node:path';

import { ESLint } from 'eslint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { GeneratedProject } from '../../scripts/bench/generate.mjs';
import { generatedProject, removeProject } from '../support/generated-project.js';
import { repoRoot } from '../support/paths.js';

/**
 * `--concurrency` gives every worker thread its own TypeScript program, so any state a rule kept
 * across files outside a per-program cache would change findings. Lint a generated project
 * single-threaded and with workers, through the bench's config module (workers can only load a
 * config from a module, as the CLI does), and compare every finding.
 */
const configFile = path.join(repoRoot, 'scripts', 'bench', 'eslint.bench.config.mjs');

let project: GeneratedProject;

async function findings(concurrency: 'off' | 'auto' | number): Promise<string[]> {
  process.env.BENCH_ROOT = project.dir;
  delete process.env.BENCH_TSCONFIG;
  delete process.env.BENCH_RULES;
  const eslint = new ESLint({ cwd: project.dir, overrideConfigFile: configFile, concurrency });
  const results = await eslint.lintFiles(project.files);
  return results
    .flatMap((result) =>
      result.messages.map(
        (message) =>
          `${path.relative(project.dir, result.filePath)}:${String(message.line)}:${String(message.column)} ${message.ruleId ?? 'fatal'} ${message.message}`,
      ),
    )
    .sort();
}

describe('concurrency', () => {
  beforeAll(() => {
    // Seed 37 plants an unsafe shape of every rule in 60 files of the default corpus profile (5
    // modules there, against the dense profile's 7, so seed 6 of the dense days no longer does).
    project = generatedProject(60, 37);
  });
  afterAll(() => {
    removeProject(project);
  });

  it('finds the same problems with worker threads as on one thread', { timeout: 600_000 }, async () => {
    const single = await findings('off');
    // Not vacuous: every race-guard rule is planted in this project, and reported.
    expect(Object.keys(project.planted).filter((name) => !name.startsWith('@'))).toHaveLength(4);
    for (const rule of Object.keys(project.planted).filter((name) => !name.startsWith('@'))) {
      expect(single.filter((finding) => finding.includes(` race-guard/${rule} `))).toHaveLength(project.planted[rule] ?? 0);
    }
    expect(single.some((finding) => finding.includes(' fatal '))).toBe(false);
    expect(await findings('auto')).toEqual(single);
    expect(await findings(2)).toEqual(single);
  });
});
