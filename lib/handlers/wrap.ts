/** Wraps handler logic in the middleware every function shares: context-aware logging, error logging. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { logErrors } from '../middleware/logErrors';
import type { BaseDeps } from './baseDeps';

/** What a handler may spend on new work: stop starting health checks this long before the timeout. */
const SAFETY_MARGIN_MS = 15_000;

/** The time budget of one invocation, from the Lambda context. */
export interface Invocation {
  /** Epoch ms after which no new health check is started. */
  deadline?: number;
}

export function wrapHandler<D extends BaseDeps, R>(deps: D, logic: (event: unknown, deps: D, invocation: Invocation) => Promise<R>) {
  return middy<unknown, R, Error, Context>()
    .use(injectLambdaContext(deps.logger, { resetKeys: true }))
    .use(logErrors({ logger: deps.logger }))
    .handler(async (event: unknown, context: Context) => {
      const remaining = typeof context?.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : undefined;
      return logic(event, deps, remaining === undefined ? {} : { deadline: Date.now() + remaining - SAFETY_MARGIN_MS });
    });
}
