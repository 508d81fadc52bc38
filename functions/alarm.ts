/**
 * Lambda: CloudWatch alarm state changes of the fleets' nodes, delivered by SNS (the alarms'
 * actions) or EventBridge ("CloudWatch Alarm State Change"). The failover path: moves Elastic IPs
 * and nothing slower. Imports no Route 53 client (see lib/aws/failoverClients.ts).
 */
import { defaultFailoverClients } from '../lib/aws/failoverClients';
import { handleAlarmEvent } from '../lib/handlers/alarm';
import { baseDeps } from '../lib/handlers/baseDeps';
import type { HandlerDeps } from '../lib/handlers/deps';
import type { FailoverClients } from '../lib/aws/failoverClients';
import { wrapHandler } from '../lib/handlers/wrap';

export const createHandler = (deps: HandlerDeps<FailoverClients>) => wrapHandler(deps, handleAlarmEvent);

export const handler = createHandler({ ...baseDeps(), clients: defaultFailoverClients() });
