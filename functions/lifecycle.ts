/**
 * Lambda: Auto Scaling lifecycle actions, delivered by SNS (the hook's notification target) or
 * EventBridge ("EC2 Instance-launch/terminate Lifecycle Action").
 */
import { defaultDeps, type HandlerDeps } from '../lib/handlers/deps';
import { handleLifecycleEvent } from '../lib/handlers/lifecycle';
import { wrapHandler } from '../lib/handlers/wrap';

export const createHandler = (deps: HandlerDeps) => wrapHandler(deps, handleLifecycleEvent);

export const handler = createHandler(defaultDeps());
