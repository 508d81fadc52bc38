/** Lambda: the scheduled reconcile of every fleet (EventBridge schedule). */
import { defaultDeps, type HandlerDeps } from '../lib/handlers/deps';
import { handleScheduledEvent } from '../lib/handlers/scheduled';
import { wrapHandler } from '../lib/handlers/wrap';

export const createHandler = (deps: HandlerDeps) => wrapHandler(deps, handleScheduledEvent);

export const handler = createHandler(defaultDeps());
