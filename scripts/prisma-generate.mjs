// `npm run generate`: writes the Prisma clients the fixtures, the examples and the race harness
// type-check and run against. A fresh clone has none (they are build output, ignored by git), and
// `npm test` runs this before the type checks.
//
// Offline and fast: the `prisma-client` generator needs no engine, but the CLI checks that a schema
// engine binary exists before it runs any command; `PRISMA_SCHEMA_ENGINE_BINARY` pointed at an
// executable (Node itself) satisfies the check, and generation never starts it. A client whose
// schema and Prisma version have not changed since it was generated is left alone.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Every schema of the repository and the directory its generator writes to, relative to the root. */
export const PRISMA_SCHEMAS = [
  { schema: 'tests/fixtures/shared/prisma/schema.prisma', output: 'tests/fixtures/shared/prisma/generated' },
  { schema: 'tests/fixtures/shared/prisma-js/prisma/schema.prisma', output: 'tests/fixtures/shared/prisma-js/prisma/generated' },
  { schema: 'examples/prisma-wallets/prisma/schema.prisma', output: 'examples/prisma-wallets/src/generated/prisma' },
];

const STAMP = '.race-guard-stamp';

function prismaCli() {
  const manifest = createRequire(import.meta.url).resolve('prisma/package.json');
  const { version } = JSON.parse(fs.readFileSync(manifest, 'utf8'));
  return { entry: path.join(path.dirname(manifest), 'build', 'index.js'), version };
}

/** Generates the clients that are missing or older than their schema; returns those it wrote. */
export function generatePrismaClients({ quiet = false } = {}) {
  const cli = prismaCli();
  const written = [];
  for (const entry of PRISMA_SCHEMAS) {
    const schema = path.join(root, entry.schema);
    const output = path.join(root, entry.output);
    const stamp = createHash('sha256').update(cli.version).update('\0').update(fs.readFileSync(schema)).digest('hex');
    const stampFile = path.join(output, STAMP);
    if (fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8') === stamp) continue;
    fs.rmSync(output, { recursive: true, force: true });
    execFileSync(process.execPath, [cli.entry, 'generate', '--schema', schema], {
      cwd: root,
      stdio: quiet ? 'pipe' : 'inherit',
      env: {
        ...process.env,
        PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
        // No update check and no telemetry: the run must not reach the network.
        CHECKPOINT_DISABLE: '1',
        PRISMA_HIDE_UPDATE_MESSAGE: '1',
      },
    });
    fs.writeFileSync(stampFile, stamp);
    written.push(entry.schema);
  }
  return written;
}

if (process.argv[1] != null && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const written = generatePrismaClients();
  if (written.length === 0) console.log('Prisma clients are up to date.');
}
