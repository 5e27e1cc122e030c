import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AiResponderService } from './ai-responder/ai-responder.service.js';
import { AssignmentService } from './assignment/assignment.service.js';
import { dataSourceOptions, ENTITIES } from './data-source.js';
import { LlmClient } from './llm/llm.client.js';
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
  providers: [LlmClient, VisitorLockService, AiResponderService, WorkflowConsumer, AssignmentService],
  exports: [AiResponderService, WorkflowConsumer, AssignmentService],
})
export class AppModule {}
