import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Conversation, ConversationStatus } from '../conversation/conversation.entity.js';

/**
 * Runs delayed jobs scheduled when a message arrives. The queue adapter (BullMQ, SQS, ...)
 * is left out; it only has to call these methods with the job's data.
 */
@Injectable()
export class WorkflowConsumer {
  private readonly logger = new Logger(WorkflowConsumer.name);

  constructor(
    @InjectRepository(Conversation)
    private readonly conversationRepository: Repository<Conversation>,
  ) {}

  /**
   * Moves a conversation to PENDING when nobody has written since `triggerMessageId`; true when it
   * did, false when the conversation had moved on.
   */
  async handleInactivity(conversationId: string, triggerMessageId: string): Promise<boolean> {
    // ✅ SAFE (audit §1): the state the job was scheduled for is part of the WHERE, so a newer
    // message or a status change in the meantime makes this a no-op instead of a clobber.
    const result = await this.conversationRepository
      .createQueryBuilder()
      .update(Conversation)
      .set({ status: ConversationStatus.PENDING })
      .where('id = :id', { id: conversationId })
      .andWhere('status = :status', { status: ConversationStatus.OPEN })
      .andWhere('last_message_id = :triggerId', { triggerId: triggerMessageId })
      .execute();

    if (result.affected === 0) {
      this.logger.log(`Conversation ${conversationId} changed since ${triggerMessageId}; inactivity skipped`);
      return false;
    }
    this.logger.log(`Conversation ${conversationId} marked pending after inactivity`);
    return true;
  }
}
