/**
 * What `npm run race` says when it cannot start: a bad option, or a PostgreSQL it cannot use. Each is
 * one line on stderr (exit 2), naming what to change; a stack trace is kept for the harness's own
 * failures, where it helps.
 */

/** A problem with how the harness was started, not a bug in it: printed as one line. */
export class HarnessSetupError extends Error {
  override name = 'HarnessSetupError';
}

export const USAGE = 'npm run race -- [--runs <n>] [--seed <n>] [--json <file>] [--keep]';

/** `--runs` (at least 1) or `--seed` (at least 0), as a whole number. */
export function wholeNumberOption(name: 'runs' | 'seed', text: string | undefined, fallback: number): number {
  if (text == null) return fallback;
  const value = /^\d+$/.test(text.trim()) ? Number(text) : Number.NaN;
  const minimum = name === 'seed' ? 0 : 1;
  if (!Number.isSafeInteger(value) || value < minimum) {
    throw new HarnessSetupError(`--${name} must be a whole number ${name === 'seed' ? 'of 0 or more' : 'of 1 or more'}, not "${text}" (${USAGE})`);
  }
  return value;
}

/** The host, port and database of a PostgreSQL URL, for messages (never the password). */
export function describePostgresUrl(url: string): { where: string; database: string; user: string } {
  const parsed = new URL(url);
  return {
    where: `${parsed.hostname || 'localhost'}:${parsed.port || '5432'}`,
    database: decodeURIComponent(parsed.pathname.replace(/^\//, '')) || decodeURIComponent(parsed.username) || 'postgres',
    user: decodeURIComponent(parsed.username) || 'postgres',
  };
}

/** Throws a one-line setup error unless `url` is a PostgreSQL URL. */
export function assertPostgresUrl(url: string): void {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (parsed == null || !['postgres:', 'postgresql:'].includes(parsed.protocol)) {
    throw new HarnessSetupError('RACE_GUARD_PG_URL must be a PostgreSQL URL such as postgresql://postgres@127.0.0.1:5432/race_guard, or unset to run on SQLite only');
  }
}

const START_POSTGRES = 'start one (README, "See it happen": .ci/run does it with Debian\'s packages) or unset RACE_GUARD_PG_URL to run on SQLite only';

/**
 * The one line for a failed connection to the PostgreSQL at `url`, or undefined when the failure is
 * not one the user can fix by starting or pointing at a server. `pg` reports a refused connection
 * with the socket's code, or, when `localhost` resolves to several addresses, as an AggregateError of
 * them; server-side refusals carry PostgreSQL's SQLSTATE.
 */
export function describePostgresConnectFailure(error: unknown, url: string): string | undefined {
  const { where, database, user } = describePostgresUrl(url);
  const codes = errorCodes(error);
  if (codes.has('ECONNREFUSED')) return `cannot connect to PostgreSQL at ${where} (connection refused): ${START_POSTGRES}`;
  if (codes.has('ENOTFOUND') || codes.has('EAI_AGAIN')) return `cannot connect to PostgreSQL at ${where} (unknown host): check RACE_GUARD_PG_URL, or unset it to run on SQLite only`;
  if (codes.has('ETIMEDOUT') || codes.has('EHOSTUNREACH')) return `cannot connect to PostgreSQL at ${where} (no answer): ${START_POSTGRES}`;
  // invalid_catalog_name
  if (codes.has('3D000')) {
    return `PostgreSQL at ${where} has no database "${database}": create it (createdb -h ${where.split(':')[0] ?? ''} -p ${where.split(':')[1] ?? ''} -U ${user} ${database}) or point RACE_GUARD_PG_URL at one that exists`;
  }
  // invalid_password, invalid_authorization_specification
  if (codes.has('28P01') || codes.has('28000')) return `PostgreSQL at ${where} refused user "${user}": ${firstLine(error)}; fix the user or password in RACE_GUARD_PG_URL`;
  return undefined;
}

function errorCodes(error: unknown): Set<string> {
  const codes = new Set<string>();
  const visit = (value: unknown): void => {
    if (typeof value !== 'object' || value === null) return;
    const code = (value as { code?: unknown }).code;
    if (typeof code === 'string') codes.add(code);
    const nested = (value as { errors?: unknown }).errors;
    if (Array.isArray(nested)) nested.forEach(visit);
  };
  visit(error);
  return codes;
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n').find((line) => line.trim() !== '')?.trim() ?? 'unknown error';
}

/** What the CLI prints for a failure: one line for setup problems and bad options, the stack otherwise. */
export function describeFailure(error: unknown): string {
  if (error instanceof HarnessSetupError) return `race: ${error.message}`;
  // node:util parseArgs: an unknown option, or one without its value.
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_')) return `race: ${firstLine(error)} (${USAGE})`;
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
