// Types for the Prisma client generator, so the tests' global setup can import it.
/** Every schema of the repository and the directory its generator writes to, relative to the root. */
export const PRISMA_SCHEMAS: readonly { schema: string; output: string }[];

/** Generates the clients that are missing or older than their schema; returns those it wrote. */
export function generatePrismaClients(options?: { quiet?: boolean }): string[];
