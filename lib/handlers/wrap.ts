/** Wraps handler logic in the middleware every function shares: context-aware logging, error logging. */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { logErrors } from '../middleware/logErrors';
import type { HandlerDeps } from './deps';

export function wrapHandler<R>(deps: HandlerDeps, logic: (event: unknown, deps: HandlerDeps) => Promise<R>) {
  return middy<unknown, R>()
    .use(injectLambdaContext(deps.logger, { resetKeys: true }))
    .use(logErrors({ logger: deps.logger }))
    .handler(async (event: unknown) => logic(event, deps));
}
