/**
 * Lambda: CloudWatch alarm state changes of the fleets' nodes, delivered by SNS (the alarms'
 * actions) or EventBridge ("CloudWatch Alarm State Change"). The failover path: moves Elastic IPs
 * and nothing slower. Imports no Route 53 client (see lib/aws/failoverClients.ts).
 */
import { defaultFailoverClients } from '../lib/aws/failoverClients';
import { handleAlarmEvent } from '../lib/handlers/alarm';
import { baseDeps, SERVICE_NAME } from '../lib/handlers/baseDeps';
import { EmfLineSink } from '../lib/metrics/emfLines';
import type { HandlerDeps } from '../lib/handlers/deps';
import type { FailoverClients } from '../lib/aws/failoverClients';
import { wrapHandler } from '../lib/handlers/wrap';

export const createHandler = (deps: HandlerDeps<FailoverClients>) => wrapHandler(deps, handleAlarmEvent);

// Its metrics are written without Powertools Metrics: its cold start is the failover's (lib/metrics/emfLines.ts).
export const handler = createHandler({ ...baseDeps(), clients: defaultFailoverClients(), metrics: new EmfLineSink(SERVICE_NAME) });
