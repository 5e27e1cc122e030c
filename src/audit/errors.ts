/**
 * A problem with how the audit was asked for or with the project it was pointed at: the CLI prints
 * the message as one line and exits with code 2. Anything else that escapes is a bug in race-guard.
 */
export class AuditSetupError extends Error {
  override name = 'AuditSetupError';
}

/** The first line of an error's message, without ESLint's or Node's multi-line decorations. */
export function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n').find((line) => line.trim() !== '')?.trim() ?? 'unknown error';
}
