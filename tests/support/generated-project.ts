import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { generateProject, type GeneratedProject, type GeneratorProfile } from '../../scripts/bench/generate.mjs';
import { repoRoot } from './paths.js';

/** A benchmark project of `files` files in a fresh temporary folder (never inside the repository). */
export function generatedProject(files: number, seed = 1, profile: GeneratorProfile = 'corpus'): GeneratedProject {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `race-guard-generated-${String(files)}-`));
  return generateProject({ dir, files, seed, nodeModules: path.join(repoRoot, 'node_modules'), profile });
}

export function removeProject(project: GeneratedProject): void {
  fs.rmSync(project.dir, { recursive: true, force: true });
}
