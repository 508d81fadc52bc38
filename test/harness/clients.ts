/**
 * The product's own SDK clients (lib/aws/clients.ts: its retry and endpoint settings) wired to a
 * simulated account, so scenarios run the handlers exactly as deployed but against the account.
 * Retries keep the SDK's classification but wait no time, so a throttled scenario runs fast.
 */
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { type AwsClients, createClients } from '../../lib/aws/clients';
import type { SimAccount } from '../../sim/account';

export function productClients(account: SimAccount, opts: { maxAttempts?: number; backoffMs?: number } = {}): AwsClients {
  const maxAttempts = opts.maxAttempts ?? 8;
  const clients = createClients({
    region: account.region,
    credentials: { accessKeyId: 'AKIASIMULATED', secretAccessKey: 'simulated' },
    maxAttempts,
    retryStrategy: new ConfiguredRetryStrategy(maxAttempts, opts.backoffMs ?? 0),
  });
  return account.attachAll(clients);
}

/** The product's clients exactly as deployed (its retry settings, with their real back-off), wired to the account. */
export function productionClients(account: SimAccount): AwsClients {
  return account.attachAll(createClients({ region: account.region, credentials: { accessKeyId: 'AKIASIMULATED', secretAccessKey: 'simulated' } }));
}
