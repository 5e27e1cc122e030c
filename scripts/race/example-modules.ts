import path from 'node:path';
import { pathToFileURL } from 'node:url';

import type { DataSource, EntityTarget, ObjectLiteral, Repository } from 'typeorm';

/**
 * What the harness uses from a compiled copy of examples/chat-backend. The copy is plain JS built at
 * run time, so these shapes are checked when it is loaded (every export must exist), and the
 * constructor parameters follow the example's own order.
 */
export type ChatDatabaseOptions =
  | { type: 'better-sqlite3'; database: string; synchronize?: boolean }
  | { type: 'postgres'; url: string; schema?: string; synchronize?: boolean };

export interface LlmClientOptions {
  apiKey: string;
  baseURL: string;
  model: string;
}

export interface VisitorMessagePayload {
  visitorUid: string;
  conversationId: string;
  messageId: string;
}

type Constructor<Instance, Parameters extends unknown[]> = new (...parameters: Parameters) => Instance;
type AnyRepository = Repository<ObjectLiteral>;

export interface VisitorLockServiceLike {
  acquireLock(visitorUid: string): Promise<string | null>;
  releaseLock(visitorUid: string, lockId: string): Promise<void>;
}

export interface ExampleModules {
  createDataSource: (options: ChatDatabaseOptions) => DataSource;
  Conversation: EntityTarget<ObjectLiteral>;
  ConversationStatus: { OPEN: string; PENDING: string; RESOLVED: string };
  Message: EntityTarget<ObjectLiteral>;
  MessageAuthor: { VISITOR: string; AGENT: string; AI: string };
  Agent: EntityTarget<ObjectLiteral>;
  Tag: EntityTarget<ObjectLiteral>;
  VisitorLock: EntityTarget<ObjectLiteral>;
  LlmClient: Constructor<object, [LlmClientOptions]>;
  VisitorLockService: Constructor<VisitorLockServiceLike, [AnyRepository]>;
  AiResponderService: Constructor<
    { handleVisitorMessage(payload: VisitorMessagePayload): Promise<void> },
    [AnyRepository, AnyRepository, VisitorLockServiceLike, object]
  >;
  AssignmentService: Constructor<{ assign(conversationId: string, agentId: string): Promise<void> }, [AnyRepository]>;
  WorkflowConsumer: Constructor<{ handleInactivity(conversationId: string, triggerMessageId: string): Promise<boolean> }, [AnyRepository]>;
  HandoffWorker: Constructor<{ handOff(conversationId: string): Promise<boolean> }, [AnyRepository, AnyRepository]>;
  GreetingService: Constructor<{ greet(visitorUid: string, conversationId: string): Promise<boolean> }, [AnyRepository, VisitorLockServiceLike, object]>;
  EscalationService: Constructor<{ triage(conversationId: string, messageBody: string): Promise<boolean> }, [AnyRepository, object]>;
  SnippetTranslator: Constructor<{ translateSnippet(conversationId: string, language: string): Promise<void> }, [AnyRepository, object]>;
  AutoResolveService: Constructor<{ resolveIfAnswered(conversationId: string, lastExchange: string): Promise<boolean> }, [AnyRepository, object]>;
  TaggingService: Constructor<
    { autoTag(conversationId: string, question: string): Promise<void>; addTag(conversationId: string, tagId: string): Promise<void> },
    [AnyRepository, AnyRepository, object]
  >;
  InboxSummaryService: Constructor<
    { summarizeUnderLock(conversationId: string): Promise<boolean>; summarize(conversationId: string): Promise<boolean> },
    [DataSource, AnyRepository, AnyRepository, object]
  >;
}

/** Module (relative to the compiled `src/`) → the exports the harness takes from it. */
const EXPORTS: Record<string, readonly (keyof ExampleModules)[]> = {
  'data-source.js': ['createDataSource'],
  'conversation/conversation.entity.js': ['Conversation', 'ConversationStatus'],
  'message/message.entity.js': ['Message', 'MessageAuthor'],
  'agent/agent.entity.js': ['Agent'],
  'visitor-lock/visitor-lock.entity.js': ['VisitorLock'],
  'visitor-lock/visitor-lock.service.js': ['VisitorLockService'],
  'llm/llm.client.js': ['LlmClient'],
  'ai-responder/ai-responder.service.js': ['AiResponderService'],
  'assignment/assignment.service.js': ['AssignmentService'],
  'workflow/workflow.consumer.js': ['WorkflowConsumer'],
  'handoff/handoff.worker.js': ['HandoffWorker'],
  'greeting/greeting.service.js': ['GreetingService'],
  'inbox-summary/inbox-summary.service.js': ['InboxSummaryService'],
  'escalation/escalation.service.js': ['EscalationService'],
  'translation/snippet-translator.service.js': ['SnippetTranslator'],
  'auto-resolve/auto-resolve.service.js': ['AutoResolveService'],
  'tagging/tag.entity.js': ['Tag'],
  'tagging/tagging.service.js': ['TaggingService'],
};

export async function loadExampleModules(outDir: string): Promise<ExampleModules> {
  const found: Record<string, unknown> = {};
  for (const [file, names] of Object.entries(EXPORTS)) {
    const module = (await import(pathToFileURL(path.join(outDir, file)).href)) as Record<string, unknown>;
    for (const name of names) {
      if (module[name] == null) throw new Error(`${file} in ${outDir} does not export ${name}`);
      found[name] = module[name];
    }
  }
  return found as unknown as ExampleModules;
}
