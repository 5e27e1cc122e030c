/** The payment provider's HTTP API: each call takes a round trip, often hundreds of milliseconds. */
export class PaymentProvider {
  constructor(private readonly baseUrl = process.env.PAYMENTS_URL ?? 'http://127.0.0.1:9') {}

  async capture(walletId: string, amount: number): Promise<void> {
    const response = await fetch(`${this.baseUrl}/captures`, { method: 'POST', body: JSON.stringify({ walletId, amount }) });
    if (!response.ok) throw new Error(`capture failed: ${String(response.status)}`);
  }

  async transfer(payoutId: string, amount: number): Promise<void> {
    const response = await fetch(`${this.baseUrl}/transfers`, { method: 'POST', body: JSON.stringify({ payoutId, amount }) });
    if (!response.ok) throw new Error(`transfer failed: ${String(response.status)}`);
  }
}
