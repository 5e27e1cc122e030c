import { Inject, Injectable, Optional } from '@nestjs/common';
import OpenAI from 'openai';

export type ChatMessage = OpenAI.Chat.ChatCompletionMessageParam;

export interface LlmClientOptions {
  apiKey?: string;
  baseURL?: string;
  model?: string;
}

export const LLM_CLIENT_OPTIONS = Symbol('LLM_CLIENT_OPTIONS');

@Injectable()
export class LlmClient {
  private readonly openai: OpenAI;
  private readonly model: string;

  constructor(@Optional() @Inject(LLM_CLIENT_OPTIONS) options: LlmClientOptions = {}) {
    this.openai = new OpenAI({
      apiKey: options.apiKey ?? process.env.LLM_API_KEY ?? process.env.OPENAI_API_KEY,
      // Any OpenAI-compatible endpoint works, including a local stub in tests.
      baseURL: options.baseURL ?? process.env.LLM_BASE_URL,
    });
    this.model = options.model ?? process.env.LLM_MODEL ?? 'gpt-4o-mini';
  }

  /** One round trip to the model; typically takes seconds. */
  async complete(messages: ChatMessage[]): Promise<string> {
    const completion = await this.openai.chat.completions.create({
      model: this.model,
      messages,
    });
    return completion.choices[0]?.message.content ?? '';
  }
}
