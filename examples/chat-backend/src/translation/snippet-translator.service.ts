import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Conversation } from '../conversation/conversation.entity.js';
import { LlmClient } from '../llm/llm.client.js';

/** Translates the inbox snippet of a conversation for agents who read another language. */
@Injectable()
export class SnippetTranslator {
  constructor(
    @InjectRepository(Conversation)
    private readonly conversationRepository: Repository<Conversation>,
    private readonly llm: LlmClient,
  ) {}

  async translateSnippet(conversationId: string, language: string): Promise<void> {
    const conversation = await this.conversationRepository.findOneByOrFail({ id: conversationId });
    if (!conversation.lastMessageSnippet) return;
    const translated = await this.llm.complete([
      { role: 'system', content: `Translate the text into ${language}. Reply with the translation only.` },
      { role: 'user', content: conversation.lastMessageSnippet },
    ]);

    // ❌ UNSAFE: a spread save. The copy carries every column as it was loaded, so save() writes
    // back an assignment or a status change made while the model was translating.
    await this.conversationRepository.save({ ...conversation, lastMessageSnippet: translated.slice(0, 120) });
  }
}
