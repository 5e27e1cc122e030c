import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One chat-completion request the stub expects: how long it takes and how it ends. */
export interface StubCall {
  delayMs: number;
  /** The assistant's reply; ignored when `failStatus` is set. */
  reply?: string;
  /** Answer with this HTTP error instead (4xx: the openai SDK does not retry those). */
  failStatus?: number;
}

/** The calls planned for one model name, and what was served. */
export interface StubScript {
  readonly calls: readonly StubCall[];
  /** Requests received so far. */
  received: number;
  /** Called when request `index` arrives, before its delay starts. */
  onRequest?: (index: number) => void;
}

/**
 * A local OpenAI-compatible server on 127.0.0.1: the example's `LlmClient` talks to it over real
 * HTTP through the `openai` SDK, and each run scripts the delays, so the window between load and
 * save is as long as a real LLM round trip makes it, only shorter.
 *
 * Requests are routed by their `model` field: every run gets its own model name, so its script
 * cannot be consumed by anyone else.
 */
export class LlmStub {
  private readonly scripts = new Map<string, StubScript>();
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Requests that matched no script or came after a script ran out: always a harness bug. */
  readonly unexpected: string[] = [];

  private readonly server = http.createServer((request, response) => {
    this.handle(request, response);
  });

  private constructor() {}

  static async start(): Promise<LlmStub> {
    const stub = new LlmStub();
    await new Promise<void>((resolve, reject) => {
      stub.server.once('error', reject);
      stub.server.listen(0, '127.0.0.1', resolve);
    });
    return stub;
  }

  /** The `baseURL` to give the openai SDK. */
  get baseURL(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${String(port)}/v1`;
  }

  script(model: string, calls: readonly StubCall[], onRequest?: (index: number) => void): StubScript {
    const script: StubScript = { calls, received: 0, ...(onRequest == null ? {} : { onRequest }) };
    this.scripts.set(model, script);
    return script;
  }

  forget(model: string): void {
    this.scripts.delete(model);
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => {
      this.server.close(() => {
        resolve();
      });
    });
  }

  private handle(request: http.IncomingMessage, response: http.ServerResponse): void {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      let model = '';
      try {
        const requested = (JSON.parse(body) as { model?: unknown }).model;
        if (typeof requested === 'string') model = requested;
      } catch {
        // Not JSON: answered below as a request for an unknown model.
      }
      const script = this.scripts.get(model);
      const index = script == null ? -1 : script.received++;
      const call = script?.calls[index];
      if (script == null || call == null || request.url !== '/v1/chat/completions') {
        this.unexpected.push(`${request.method ?? '?'} ${request.url ?? '?'} model=${model} call=${String(index)}`);
        sendJson(response, 404, { error: { message: 'the race stub has no such call scripted', type: 'invalid_request_error' } });
        return;
      }
      script.onRequest?.(index);
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        if (call.failStatus != null) {
          sendJson(response, call.failStatus, { error: { message: 'stubbed model failure', type: 'invalid_request_error' } });
          return;
        }
        sendJson(response, 200, {
          id: `chatcmpl-race-${String(index)}`,
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model,
          choices: [{ index: 0, message: { role: 'assistant', content: call.reply ?? '', refusal: null }, finish_reason: 'stop', logprobs: null }],
          usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
        });
      }, call.delayMs);
      this.timers.add(timer);
    });
  }
}

function sendJson(response: http.ServerResponse, status: number, value: unknown): void {
  const text = JSON.stringify(value);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  response.end(text);
}
