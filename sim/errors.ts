/**
 * AWS errors as the SDK surfaces them. The simulated account throws the same classes the real
 * deserialisers would (modelled exceptions where the service models them, the service's base
 * exception with the wire error code as `name` otherwise), so adapter code that checks `name` or
 * `instanceof` behaves exactly as it does against AWS, and the SDK's retry classifier treats
 * `Throttling` and `PriorRequestNotComplete` as throttling.
 */
import { Route53ServiceException } from '@aws-sdk/client-route-53';
import { AutoScalingServiceException } from '@aws-sdk/client-auto-scaling';
import { EC2ServiceException } from '@aws-sdk/client-ec2';
import type { SimService } from './types';

type ExceptionCtor = new (opts: {
  name: string;
  $fault: 'client' | 'server';
  $metadata: { httpStatusCode: number; requestId?: string };
  message: string;
}) => Error;

const BASE: Record<SimService, ExceptionCtor> = {
  route53: Route53ServiceException as unknown as ExceptionCtor,
  autoScaling: AutoScalingServiceException as unknown as ExceptionCtor,
  ec2: EC2ServiceException as unknown as ExceptionCtor,
};

let requestSeq = 0;

/** Builds the error the SDK would raise for `code` from `service`, with HTTP status `status`. */
export function awsError(service: SimService, code: string, message: string, status = 400): Error {
  const err = new BASE[service]({
    name: code,
    $fault: status >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: status, requestId: `sim-${++requestSeq}` },
    message,
  });
  // Modelled Route 53 exceptions carry their own `name`; the base class keeps what we pass.
  Object.defineProperty(err, 'name', { value: code, enumerable: false, configurable: true, writable: true });
  return err;
}

/** Raised when code under test calls an operation the simulation does not model: loud, never silent. */
export class NotModelledError extends Error {
  constructor(service: SimService, op: string) {
    super(`simulated account: ${service} operation ${op} is not modelled`);
    this.name = 'NotModelledError';
  }
}
