/** An LLM behind an OpenAI-compatible HTTP API: each call takes seconds. */
export class Summarizer {
  constructor(private readonly baseUrl = process.env.LLM_BASE_URL ?? 'http://127.0.0.1:9') {}

  async summarize(input: string): Promise<string> {
    const response = await fetch(`${this.baseUrl}/summaries`, { method: 'POST', body: JSON.stringify({ input }) });
    if (!response.ok) throw new Error(`summary failed: ${String(response.status)}`);
    return response.text();
  }
}
