#!/usr/bin/env node
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';

import { satisfiesRange } from '../utils/plugin/version-range.js';

/*
 * `race-guard audit`: the plugin's rules over a whole project, as a reliability audit report. This
 * entry point parses arguments and turns every failure into one line and exit code 2; the audit
 * itself is loaded afterwards, so a missing peer dependency is reported the same way.
 */

const USAGE = `Usage: race-guard audit [path] [--project <tsconfig.json>]... [--format md|json|sarif] [--out <file>] [--fail-on error|warn|off]

Audits the TypeScript project at [path] (default: the current directory) with the
race-guard recommended rules and prints a reliability report.

Options:
  -p, --project <file>   tsconfig to audit; repeat for several (default: [path]/tsconfig.json,
                         else the tsconfig.json files in its subfolders)
  -f, --format <format>  md (default), json or sarif
  -o, --out <file>       write the report to <file> instead of standard output
      --fail-on <level>  exit 1 when there are findings at this level or above: error (default), warn, off
  -h, --help             show this help
  -v, --version          show the version

Exit codes: 0 no findings at or above --fail-on, 1 findings, 2 usage or setup error.`;

const FORMATS = ['md', 'json', 'sarif'] as const;
const FAIL_LEVELS = ['error', 'warn', 'off'] as const;

class UsageError extends Error {}
/** A dependency the audit needs is missing or of a version it does not support. */
class SetupError extends Error {}

const packageJson = createRequire(import.meta.url)('../../package.json') as {
  version: string;
  peerDependencies: Record<string, string>;
};

async function main(argv: readonly string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        project: { type: 'string', short: 'p', multiple: true },
        format: { type: 'string', short: 'f', default: 'md' },
        out: { type: 'string', short: 'o' },
        'fail-on': { type: 'string', default: 'error' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (error) {
    throw new UsageError(`${error instanceof Error ? error.message : String(error)} (see race-guard --help)`);
  }
  const { values, positionals } = parsed;
  if (values.help === true) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (values.version === true) {
    process.stdout.write(`${packageJson.version}\n`);
    return 0;
  }
  const [command, target = '.', ...extra] = positionals;
  if (command !== 'audit') {
    throw new UsageError(command == null ? 'missing command: race-guard audit [path] (see race-guard --help)' : `unknown command "${command}"; the only command is audit (see race-guard --help)`);
  }
  if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0] ?? ''}": audit takes one path; use --project for more tsconfigs`);
  const format = oneOf(values.format, FORMATS, '--format');
  const failOn = oneOf(values['fail-on'], FAIL_LEVELS, '--fail-on');

  await assertSupportedTypeScript();
  const { runAudit } = await import('../audit/run.js');
  return runAudit({
    path: target,
    projects: values.project ?? [],
    format,
    ...(values.out == null ? {} : { out: values.out }),
    failOn,
    cwd: process.cwd(),
    env: process.env,
    stdout: process.stdout,
    stderr: process.stderr,
  });
}

/**
 * The audit drives the TypeScript compiler API of the project's own `typescript` (a peer
 * dependency). Outside the peer range that API may be gone — TypeScript 7 exports no compiler API
 * from its main entry — and the first call would fail as an internal error, so the version is
 * checked before anything uses it. A missing `typescript` fails the import and is reported below.
 */
async function assertSupportedTypeScript(): Promise<void> {
  const range = packageJson.peerDependencies.typescript ?? '';
  const loaded = (await import('typescript')) as { default?: unknown };
  const ts = (loaded.default ?? loaded) as { version?: unknown; getParsedCommandLineOfConfigFile?: unknown };
  const version = typeof ts.version === 'string' ? ts.version : undefined;
  if (version != null && satisfiesRange(version, range) && typeof ts.getParsedCommandLineOfConfigFile === 'function') return;
  throw new SetupError(
    `TypeScript ${version ?? '(unknown version)'} is not supported: race-guard needs typescript ${range}; install one next to eslint-plugin-race-guard (npm i -D "typescript@${range}")`,
  );
}

function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], option: string): T {
  const found = allowed.find((candidate) => candidate === value);
  if (found == null) throw new UsageError(`${option} must be one of ${allowed.join(', ')}, not "${value ?? ''}"`);
  return found;
}

/** One line for the user: their mistake, a missing dependency, or (rarely) our bug without its stack. */
function describeFailure(error: unknown): string {
  if (error instanceof UsageError || error instanceof SetupError) return error.message;
  if (error instanceof Error && error.name === 'AuditSetupError') return error.message;
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
    const missing = /Cannot find (?:package|module) '([^']+)'/.exec(error instanceof Error ? error.message : '')?.[1];
    if (missing === 'ts-morph') {
      return `the audit needs ts-morph, an optional peer dependency the lint rules do not use: install it next to eslint-plugin-race-guard (npm i -D "ts-morph@${packageJson.peerDependencies['ts-morph'] ?? ''}")`;
    }
    if (missing != null && !missing.startsWith('.') && !missing.startsWith('/')) {
      return `${missing} is not installed; install it next to eslint-plugin-race-guard (npm i -D ${missing})`;
    }
  }
  const message = error instanceof Error ? error.message : String(error);
  const line = message.split('\n').find((text) => text.trim() !== '')?.trim() ?? 'unknown error';
  return `internal error: ${line} (set RACE_GUARD_DEBUG=1 to see where)`;
}

// A reader that goes away early (`race-guard audit | head`) closes the pipe: stop quietly with the
// audit's exit code, as Unix tools do, instead of dying on an unhandled 'error' event.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit();
  process.stderr.write(`race-guard: cannot write the report (${error.code ?? error.message})\n`);
  process.exit(2);
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`race-guard: ${describeFailure(error)}\n`);
    if (process.env.RACE_GUARD_DEBUG === '1' && error instanceof Error && error.stack != null) process.stderr.write(`${error.stack}\n`);
    process.exitCode = 2;
  },
);
