// Types for the Prisma client generator, so the tests' global setup can import it.
/** Every schema of the repository, relative to its root; each generates into `./generated` beside it. */
export const PRISMA_SCHEMAS: readonly string[];

/** Generates the clients that are missing or older than their schema; returns those it wrote. */
export function generatePrismaClients(options?: { quiet?: boolean }): string[];
