import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Conversation } from '../conversation/conversation.entity.js';
import { LlmClient } from '../llm/llm.client.js';
import { Tag } from './tag.entity.js';

const TOPIC_PROMPT = 'Reply with the one word that best names the topic of this support request.';

/** Tags conversations: the AI by topic, agents by hand. */
@Injectable()
export class TaggingService {
  constructor(
    @InjectRepository(Conversation)
    private readonly conversationRepository: Repository<Conversation>,
    @InjectRepository(Tag)
    private readonly tagRepository: Repository<Tag>,
    private readonly llm: LlmClient,
  ) {}

  /** The AI's topic tag, added to the tags the conversation already has. */
  async autoTag(conversationId: string, question: string): Promise<void> {
    const conversation = await this.conversationRepository.findOneOrFail({
      where: { id: conversationId },
      relations: { tags: true },
    });
    const topic = await this.llm.complete([
      { role: 'system', content: TOPIC_PROMPT },
      { role: 'user', content: question },
    ]);
    const tag = await this.tagRepository.findOneByOrFail({ name: topic.trim().toLowerCase() });

    // ❌ UNSAFE: save() makes the join table match the array loaded before the LLM call, so a tag
    // an agent added meanwhile is deleted again.
    conversation.tags.push(tag);
    await this.conversationRepository.save(conversation);
  }

  /** An agent's tag: one INSERT into the join table. */
  async addTag(conversationId: string, tagId: string): Promise<void> {
    await this.conversationRepository.createQueryBuilder().relation(Conversation, 'tags').of(conversationId).add(tagId);
  }
}
