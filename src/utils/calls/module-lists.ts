/**
 * Packages by what awaiting them costs. Entries match a package exactly or, for a scope
 * (`@aws-sdk`), every package in it. Users extend these through rule options.
 */

/** Slow, remote I/O: HTTP clients, LLM and cloud SDKs, mail, payments. */
export const NETWORK_MODULES: readonly string[] = [
  'node:http', 'node:https', 'node:http2', 'node:net', 'node:tls', 'node:dns', 'node:dgram',
  'undici', 'undici-types', 'axios', 'got', 'ky', 'node-fetch', 'cross-fetch', 'isomorphic-fetch',
  'superagent', 'request', 'needle', 'phin', '@nestjs/axios', 'wretch', 'ofetch',
  'openai', '@anthropic-ai/sdk', '@google/genai', '@google/generative-ai', 'langchain', '@langchain',
  'ai', '@ai-sdk', 'cohere-ai', '@mistralai/mistralai', 'groq-sdk', 'replicate', 'ollama',
  '@aws-sdk', 'aws-sdk', '@smithy/smithy-client', '@google-cloud', '@azure', 'googleapis', 'firebase-admin',
  '@grpc/grpc-js', 'grpc', 'nodemailer', 'email-templates', '@nestjs-modules/mailer', '@sendgrid',
  'mailgun.js', 'postmark', 'resend',
  'stripe', '@paypal', 'gocardless-nodejs', 'braintree', '@mollie/api-client', 'square', '@adyen/api-library', 'razorpay',
  '@mailchimp/mailchimp_marketing', '@mailchimp/mailchimp_transactional', 'twilio', '@slack/web-api', '@octokit', 'octokit', 'discord.js', '@discordjs',
  '@pinecone-database/pinecone', '@qdrant/js-client-rest', 'chromadb', 'weaviate-client',
];

/** Data stores reached over a connection pool: quick, and never a stale-save window. */
export const DATABASE_MODULES: readonly string[] = [
  'typeorm', 'typeorm-transactional', 'pg', 'pg-pool', 'mysql', 'mysql2', 'mssql', 'oracledb',
  'better-sqlite3', 'sqlite3', 'sqlite', 'ioredis', 'redis', '@redis', 'mongodb', 'mongoose',
  '@prisma/client', 'sequelize', 'sequelize-typescript', '@mikro-orm', 'knex', 'kysely', 'drizzle-orm',
  '@nestjs/typeorm', 'bull', 'bullmq', '@nestjs/bull', '@nestjs/bullmq', 'cache-manager',
  '@nestjs/cache-manager', 'postgres', '@neondatabase/serverless', '@planetscale/database', '@libsql/client',
  '@clickhouse/client', 'clickhouse', 'cassandra-driver', 'neo4j-driver', '@elastic/elasticsearch',
  '@opensearch-project/opensearch', 'memjs',
];

/** CPU or local-disk work: slow perhaps, but it changes no shared row. */
export const LOCAL_MODULES: readonly string[] = [
  'node:console', 'node:crypto', 'node:zlib', 'node:fs', 'node:path', 'node:util', 'node:stream', 'node:readline', 'node:os',
  'node:buffer', 'node:url', 'node:string_decoder', 'node:querystring', 'node:worker_threads',
  'node:assert', 'node:perf_hooks', 'node:async_hooks', 'node:v8', 'node:vm',
  'bcrypt', 'bcryptjs', 'argon2', '@node-rs/argon2', '@node-rs/bcrypt', 'scrypt-js', 'jsonwebtoken',
  'jose', '@nestjs/jwt', 'sharp', 'jimp', 'class-validator', 'class-transformer', 'uuid', 'zod', 'joi',
  'yup', 'ajv', 'fs-extra', 'dayjs', 'date-fns', 'luxon', 'moment', 'fido2-lib',
  '@simplewebauthn/server', 'otplib', 'speakeasy', 'qrcode', 'handlebars', 'ejs', 'pug', 'marked',
  'sanitize-html', 'dompurify', 'xlsx', 'pdfkit', 'archiver', 'csv-parse', 'csv-stringify',
  'file-type', 'ms', 'zxcvbn', '@zxcvbn-ts/core', 'zxcvbn-typescript', 'crypto-js', 'nanoid', 'slugify',
  'cacache', 'quick-lru', 'node-cache', 'flat-cache',
];

/**
 * Packages that only combine or wrap promises (`Promise.all`, `firstValueFrom`, `pRetry`):
 * what they cost is what their arguments cost.
 */
export const PASSTHROUGH_MODULES: readonly string[] = [
  'rxjs', 'tslib', 'bluebird', 'p-limit', 'p-map', 'p-retry', 'p-queue', 'p-timeout', 'async-retry',
  'async', 'lodash', 'lodash-es', 'ramda', '@nestjs/common', '@nestjs/core',
];

export function matchesModuleList(packageName: string, list: readonly string[]): boolean {
  return list.some((entry) => entry === packageName || packageName.startsWith(`${entry}/`));
}
