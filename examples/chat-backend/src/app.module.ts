import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AiResponderService } from './ai-responder/ai-responder.service.js';
import { AssignmentService } from './assignment/assignment.service.js';
import { AutoResolveService } from './auto-resolve/auto-resolve.service.js';
import { dataSourceOptions, ENTITIES } from './data-source.js';
import { EscalationService } from './escalation/escalation.service.js';
import { GreetingService } from './greeting/greeting.service.js';
import { HandoffWorker } from './handoff/handoff.worker.js';
import { InboxSummaryService } from './inbox-summary/inbox-summary.service.js';
import { LlmClient } from './llm/llm.client.js';
import { TaggingService } from './tagging/tagging.service.js';
import { SnippetTranslator } from './translation/snippet-translator.service.js';
import { VisitorLockService } from './visitor-lock/visitor-lock.service.js';
import { WorkflowConsumer } from './workflow/workflow.consumer.js';

@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      useFactory: () =>
        dataSourceOptions(
          process.env.DATABASE_URL
            ? { type: 'postgres', url: process.env.DATABASE_URL }
            : { type: 'better-sqlite3', database: process.env.SQLITE_PATH ?? 'chat.sqlite' },
        ),
    }),
    TypeOrmModule.forFeature(ENTITIES),
  ],
  providers: [
    LlmClient,
    VisitorLockService,
    AiResponderService,
    WorkflowConsumer,
    AssignmentService,
    HandoffWorker,
    GreetingService,
    InboxSummaryService,
    EscalationService,
    SnippetTranslator,
    AutoResolveService,
    TaggingService,
  ],
  exports: [
    AiResponderService,
    WorkflowConsumer,
    AssignmentService,
    HandoffWorker,
    GreetingService,
    InboxSummaryService,
    EscalationService,
    SnippetTranslator,
    AutoResolveService,
    TaggingService,
  ],
})
export class AppModule {}
