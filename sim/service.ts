/**
 * Base of every simulated service: operations are methods named exactly like the AWS operation
 * (`ChangeResourceRecordSets`, `DescribeInstances`, ...), taking the SDK command input and
 * returning the SDK command output (without `$metadata`). Anything not modelled fails loudly.
 */
import { awsError, NotModelledError } from './errors';
import type { SimService } from './types';

export abstract class ServiceSim {
  protected abstract readonly service: SimService;

  handle(op: string, input: unknown): unknown {
    const fn = (this as unknown as Record<string, unknown>)[op];
    if (!/^[A-Z]/.test(op) || typeof fn !== 'function') throw new NotModelledError(this.service, op);
    return (fn as (input: unknown) => unknown).call(this, input ?? {});
  }

  /** Throws the error AWS would, as the SDK would surface it. */
  protected fail(code: string, message: string, status = 400): never {
    throw awsError(this.service, code, message, status);
  }
}
