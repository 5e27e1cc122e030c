import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Conversation, ConversationStatus } from '../conversation/conversation.entity.js';

/**
 * Agent-facing writes. They run while the AI may be mid-reply for the same conversation, which is
 * exactly when AiResponderService's stale save reverts them (audit §2, "Data Loss").
 */
@Injectable()
export class AssignmentService {
  constructor(
    @InjectRepository(Conversation)
    private readonly conversationRepository: Repository<Conversation>,
  ) {}

  async assign(conversationId: string, agentId: string): Promise<void> {
    // A single UPDATE touches only assignee_id, so it cannot undo anyone else's columns.
    const result = await this.conversationRepository.update(
      { id: conversationId },
      { assigneeId: agentId },
    );
    if (!result.affected) {
      throw new NotFoundException(`Conversation ${conversationId} not found`);
    }
  }

  async setPriority(conversationId: string, priority: number): Promise<void> {
    const result = await this.conversationRepository.update({ id: conversationId }, { priority });
    if (!result.affected) {
      throw new NotFoundException(`Conversation ${conversationId} not found`);
    }
  }

  async resolve(conversationId: string): Promise<void> {
    const conversation = await this.conversationRepository.findOneBy({ id: conversationId });
    if (!conversation) {
      throw new NotFoundException(`Conversation ${conversationId} not found`);
    }
    if (conversation.status !== ConversationStatus.OPEN) {
      throw new ConflictException(`Conversation ${conversationId} is ${conversation.status}`);
    }
    // ❌ Check-then-act: only an OPEN conversation is resolved, but the UPDATE is keyed on the id
    // alone, so it also resolves one the workflow consumer moved to PENDING for a new message since.
    const result = await this.conversationRepository.update(conversationId, { status: ConversationStatus.RESOLVED });
    if (!result.affected) {
      throw new NotFoundException(`Conversation ${conversationId} not found`);
    }
  }
}
