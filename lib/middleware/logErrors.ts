/**
 * middy middleware: logs a handler's failure once, with its type and cause, then lets it
 * propagate so Lambda's retry policy and on-failure destination see it. Malformed events are logged as
 * such (nothing was changed; retrying cannot help, the event lands in the dead-letter queue).
 * An error that means AWS cannot be reached at all (lib/aws/setupErrors.ts) is told in one line
 * with what to do; off Lambda it is rethrown without its stack, unless HFC_DEBUG=true.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type middy from '@middy/core';
import { EventParseError } from '../errors';
import { conciseSetupError, conciseSetupErrors, explainSetupError } from '../aws/setupErrors';

export interface LogErrorsOptions {
  logger: Logger;
}

export function logErrors(opts: LogErrorsOptions): middy.MiddlewareObj {
  const onError: middy.MiddlewareFn = async (request) => {
    const err = request.error;
    const setup = err ? explainSetupError(err) : undefined;
    if (setup && err && conciseSetupErrors()) {
      // Off Lambda, AWS cannot be reached at all: one line that says what to do (HFC_DEBUG=true: the stack).
      opts.logger.error(`handler failed: ${setup}`, { errorName: err.name });
      request.error = conciseSetupError(err, setup);
    } else if (setup) {
      opts.logger.error(`handler failed: ${setup}`, { error: err });
    } else if (err instanceof EventParseError) {
      opts.logger.error('malformed event rejected; nothing was changed in AWS', { error: err, path: err.path });
    } else {
      // Whether Lambda retries depends on the function (lifecycle: twice; reconcile: the next run).
      opts.logger.error('handler failed', { error: err });
    }
  };
  return { onError };
}
