import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { generatePrismaClients } from '../scripts/prisma-generate.mjs';

const root = path.join(import.meta.dirname, '..');
const distEntry = path.join(root, 'dist', 'index.js');

function newestSourceMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith('.ts')) {
      newest = Math.max(newest, fs.statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
    }
  }
  return newest;
}

/**
 * The typed tests lint code that imports the fixtures' generated Prisma client: a direct
 * `vitest run` on a fresh clone generates it first (`npm test` already has, and this is a no-op).
 * Some tests load the built plugin (`require()` interop, the ESLint CLI, the packed tarball). Build it
 * once, before any worker starts, when `dist/` is missing or older than `src/`, so a direct
 * `vitest run` never tests stale output. `npm test` has just built, so this is a no-op there.
 */
export default function setup(): void {
  generatePrismaClients({ quiet: true });
  const built = fs.existsSync(distEntry) ? fs.statSync(distEntry).mtimeMs : 0;
  if (built >= newestSourceMtime(path.join(root, 'src'))) {
    return;
  }
  try {
    execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
      cwd: root,
      stdio: 'pipe',
    });
  } catch (error) {
    // tsc still emits on type errors; rule tests can run. Say why dist-based tests may fail.
    const output = (error as { stdout?: Buffer }).stdout?.toString() ?? String(error);
    console.warn(`tests/global-setup: \`tsc -p tsconfig.build.json\` reported errors:\n${output}`);
  }
  if (!fs.existsSync(distEntry)) {
    throw new Error('tests/global-setup: the build produced no dist/index.js');
  }
}
