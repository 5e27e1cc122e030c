import { PrismaPg } from '@prisma/adapter-pg';

import { PrismaClient } from './generated/prisma/client.js';

export { PayoutStatus, PrismaClient } from './generated/prisma/client.js';

/** Prisma 7 with a driver adapter: no query engine binary, node-postgres underneath. */
export function createClient(connectionString = process.env.DATABASE_URL ?? ''): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString }) });
}
