/**
 * What each step of a run may call: the adapter methods it uses and nothing else. A step's
 * signature says which AWS operations it can reach, and a test double implements only those.
 * (The adapters themselves, one per service, are lib/aws/.)
 */
import type { AddressAdapter } from '../aws/addresses';
import type { AutoScalingAdapter } from '../aws/autoscaling';
import type { CloudWatchAdapter } from '../aws/cloudwatch';
import type { Ec2Adapter } from '../aws/ec2';
import type { Route53Adapter } from '../aws/route53';
import type { SsmAdapter } from '../aws/ssm';

/** Reading the load-balancer group and its DNS state (observe.ts). */
export interface FleetReader {
  route53: Pick<Route53Adapter, 'listRecords' | 'listHealthChecks' | 'healthCheckTags'>;
  autoScaling: Pick<AutoScalingAdapter, 'describeGroup' | 'describeWarmPool' | 'confirmAction' | 'describeInstance'>;
  ec2: Pick<Ec2Adapter, 'describeInstances' | 'describeTagged' | 'describeGroupInstances'>;
  addresses: Pick<AddressAdapter, 'describePool'>;
  cloudWatch: Pick<CloudWatchAdapter, 'describeAlarms' | 'instanceTag'>;
}

/** Writing DNS and the deregistration notes (apply.ts). */
export interface DnsWriter {
  route53: Pick<Route53Adapter, 'createHealthCheck' | 'tagHealthCheck' | 'changeRecords' | 'deleteHealthCheck' | 'listHealthChecks' | 'listRecords'>;
  ec2: Pick<Ec2Adapter, 'tagInstance' | 'untagInstance'>;
}

/** Pushing a configuration and recording it (applyConfig.ts). */
export interface ConfigPusher {
  ssm: Pick<SsmAdapter, 'onlineInstances' | 'send' | 'results' | 'result'>;
  ec2: Pick<Ec2Adapter, 'tagInstance'>;
}

/** Placing Elastic IPs (applyAddresses.ts). */
export type AddressMover = Pick<AddressAdapter, 'associate' | 'assignSecondaryIps' | 'tagAddress' | 'untagAddress'>;

/** Managing the per-node alarms (applyAlarms.ts). */
export type AlarmWriter = Pick<CloudWatchAdapter, 'putAlarm' | 'deleteAlarms'>;

/** The failover path (failover.ts): read the pool, the alarms and the group; move addresses. */
export interface FailoverPorts {
  addresses: Pick<AddressAdapter, 'describePool'> & AddressMover;
  cloudWatch: FleetReader['cloudWatch'];
  autoScaling: Pick<AutoScalingAdapter, 'describeGroup'>;
  ec2: Pick<Ec2Adapter, 'describeGroupInstances'>;
}

/** Heartbeats for launches waiting on Route 53 (heartbeats.ts). */
export interface HeartbeatSender {
  autoScaling: Pick<AutoScalingAdapter, 'confirmAction'>;
  ec2: Pick<Ec2Adapter, 'tagInstances'>;
}

/** Completing lifecycle actions (complete.ts). */
export interface ActionCompleter {
  autoScaling: Pick<AutoScalingAdapter, 'completeLifecycleAction'>;
}

/** A warm-pool move: checked, confirmed, completed (warmPoolMove.ts). */
export interface WarmPoolMover {
  autoScaling: Pick<AutoScalingAdapter, 'describeGroup' | 'describeWarmPool' | 'confirmAction' | 'completeLifecycleAction'>;
}

/** A whole reconcile run (reconcileFleet.ts, pass.ts): exactly what its steps use, together. */
export type ReconcilePorts = FleetReader &
  DnsWriter &
  ConfigPusher &
  ActionCompleter &
  HeartbeatSender & {
    addresses: AddressMover;
    cloudWatch: AlarmWriter;
  };
