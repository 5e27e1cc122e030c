import type { PrismaClient } from './db.js';
import type { PaymentProvider } from './payment-provider.js';

export class WalletService {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly payments: PaymentProvider,
  ) {}

  /**
   * ❌ The balance is computed from the row read before the provider call: a top-up that lands
   * during the call is overwritten (no-stale-derived-write; its fix is `{ decrement: amount }`).
   */
  async charge(walletId: string, amount: number): Promise<void> {
    const wallet = await this.prisma.wallet.findUniqueOrThrow({ where: { id: walletId } });
    if (wallet.balance < amount) throw new Error('insufficient funds');
    await this.payments.capture(walletId, amount);
    await this.prisma.wallet.update({ where: { id: walletId }, data: { balance: wallet.balance - amount } });
  }

  /** ✅ The database adds: nothing read earlier is written back. */
  async topUp(walletId: string, amount: number): Promise<void> {
    await this.prisma.wallet.update({ where: { id: walletId }, data: { balance: { increment: amount } } });
  }

  /**
   * ❌ The debit runs on the root client inside the interactive transaction: it commits on its
   * own, on a second connection, and stays when the transaction rolls back
   * (no-outer-client-in-transaction).
   */
  async transfer(fromId: string, toId: string, amount: number): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      await this.prisma.wallet.update({ where: { id: fromId }, data: { balance: { decrement: amount } } });
      const target = await tx.wallet.update({ where: { id: toId }, data: { balance: { increment: amount } } });
      if (target.balance > 1_000_000) throw new Error('limit exceeded');
    });
  }
}
