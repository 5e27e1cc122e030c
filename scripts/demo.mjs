// `npm run demo`: lint the example backends with the `recommended` preset, as a user would run
// ESLint in each. They contain the bugs they describe on purpose, so findings are the expected
// outcome: exit 0 when ESLint ran and reported them in every example, non-zero when ESLint itself
// failed or an example came out clean.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';

const root = path.join(import.meta.dirname, '..');
const eslintBin = path.join(path.dirname(createRequire(import.meta.url).resolve('eslint/package.json')), 'bin', 'eslint.js');

const EXAMPLES = [
  { dir: 'chat-backend', what: "the findings the audit describes (TypeORM)" },
  { dir: 'prisma-wallets', what: 'one finding per rule on Prisma' },
  { dir: 'drizzle-jobs', what: 'one finding per rule on Drizzle' },
];

let failed = 0;
for (const { dir, what } of EXAMPLES) {
  const example = path.join(root, 'examples', dir);
  console.log(`\nLinting ${path.relative(process.cwd(), example) || '.'} with race-guard's recommended config…`);
  const run = spawnSync(process.execPath, [eslintBin, '--format', 'stylish', '.'], { cwd: example, stdio: 'inherit' });
  if (run.status === 1) {
    console.log(`These are ${what}: see examples/${dir}/README.md.`);
  } else if (run.status === 0) {
    console.log('No findings: the example should have some.');
    failed = 1;
  } else {
    failed = run.status ?? 2;
  }
}
process.exit(failed);
