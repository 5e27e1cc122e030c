import { DataSource, type DataSourceOptions } from 'typeorm';
import { Agent } from './agent/agent.entity.js';
import { Conversation } from './conversation/conversation.entity.js';
import { Message } from './message/message.entity.js';
import { Tag } from './tagging/tag.entity.js';
import { VisitorLock } from './visitor-lock/visitor-lock.entity.js';

export const ENTITIES = [Conversation, Message, Agent, VisitorLock, Tag];

export type ChatDatabaseOptions =
  | { type: 'better-sqlite3'; database: string; synchronize?: boolean; logging?: boolean }
  | { type: 'postgres'; url: string; schema?: string; synchronize?: boolean; logging?: boolean };

export function dataSourceOptions(options: ChatDatabaseOptions): DataSourceOptions {
  const common = {
    entities: ENTITIES,
    // Tests and the demo build the schema on the fly; production must run migrations instead,
    // since synchronize can drop columns it does not recognise.
    synchronize: options.synchronize ?? false,
    logging: options.logging ?? false,
  };
  return options.type === 'postgres'
    ? { type: 'postgres', url: options.url, ...(options.schema == null ? {} : { schema: options.schema }), ...common }
    : // WAL: no sync of the whole file per commit, and readers do not wait for a writer.
      { type: 'better-sqlite3', database: options.database, enableWAL: true, ...common };
}

export function createDataSource(options: ChatDatabaseOptions): DataSource {
  return new DataSource(dataSourceOptions(options));
}
