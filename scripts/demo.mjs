// `npm run demo`: lint the example backend with the `recommended` preset, as a user would run
// ESLint. The example contains the audit's bugs on purpose, so findings are the expected outcome:
// exit 0 when ESLint ran and reported them, non-zero when ESLint itself failed.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';

const root = path.join(import.meta.dirname, '..');
const example = path.join(root, 'examples', 'chat-backend');
const eslintBin = path.join(path.dirname(createRequire(import.meta.url).resolve('eslint/package.json')), 'bin', 'eslint.js');

console.log(`Linting ${path.relative(process.cwd(), example) || '.'} with race-guard's recommended config…`);
const run = spawnSync(process.execPath, [eslintBin, '--format', 'stylish', '.'], { cwd: example, stdio: 'inherit' });
if (run.status === 1) {
  console.log('These are the findings the audit describes: see examples/chat-backend/README.md.');
  process.exit(0);
}
if (run.status === 0) {
  console.log('No findings.');
}
process.exit(run.status ?? 2);
