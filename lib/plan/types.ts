import type { LifecycleHint } from '../events/types';
import type { Member } from '../haproxy/render';
import type { AddressNode, PoolAddress } from './addressTypes';
import type { LifecycleState } from './lifecycle';
import type { NodeAlarm } from './health';
import type { Reason } from './reasons';

/**
 * The observed state of a fleet, the desired state derived from it, and the actions between the
 * two. Plain data, no AWS SDK types: the planner is pure and the adapters translate.
 */

/** A node of the load-balancer group as Auto Scaling and EC2 report it. */
export interface ObservedNode {
  instanceId: string;
  /** Auto Scaling LifecycleState, for example `Pending:Wait` or `InService`. */
  lifecycleState: LifecycleState;
  availabilityZone?: string;
  /** The address this fleet registers for the node (by dns.address), when it has one. */
  address?: string;
  /** Dual-stack fleets: its primary IPv6 address, registered in its AAAA record. */
  address6?: string;
  /** When its record was deleted (instance tag `hfc:deregistered-at`), for the deregistration delay. */
  deregisteredAt?: string;
  /** Leaving for the warm pool (the event's Destination): no later run sees it, so no delay. */
  toWarmPool?: true;
  /** The primary private IPv4 (the node's address in the HAProxy `peers` section). */
  privateIp?: string;
  /** The digest of the HAProxy configuration the node has verifiably applied (tag `hfc:config-digest`). */
  configDigest?: string;
  /** When its lifecycle hook's timer last started: the later of its launch and our last heartbeat (lib/plan/heartbeats.ts). */
  timerStartedAt?: string;
  /** When EC2 last started it (LaunchTime). */
  launchedAt?: string;
  /** Its own record weight (the `dns.weightTag` instance tag, 0-255), when it has a valid one. */
  weight?: number;
  /** Why its weight tag was not used (a value that is not 0-255). */
  weightTagProblem?: string;
}

/** Route 53 health check settings we own; anything else on the check is left alone. */
export interface HealthCheckSpec {
  type: 'HTTP' | 'HTTPS' | 'TCP' | 'HTTP_STR_MATCH' | 'HTTPS_STR_MATCH' | 'CLOUDWATCH_METRIC';
  /** The address probed (endpoint checks); none for CLOUDWATCH_METRIC. */
  ipAddress?: string;
  port?: number;
  resourcePath?: string;
  fullyQualifiedDomainName?: string;
  searchString?: string;
  requestInterval?: number;
  failureThreshold?: number;
  /** CLOUDWATCH_METRIC: the alarm watched (its region and name), and the status while it lacks data. */
  alarmRegion?: string;
  alarmName?: string;
  insufficientDataHealthStatus?: 'Healthy' | 'Unhealthy' | 'LastKnownStatus';
}

/** One of our health checks (recognised by its CallerReference). */
export interface ObservedHealthCheck {
  id: string;
  callerReference: string;
  instanceId: string;
  spec: HealthCheckSpec;
  tags: Record<string, string>;
}

/** One weighted record, as stored in Route 53. */
export interface RecordState {
  name: string;
  type: 'A' | 'AAAA';
  setIdentifier: string;
  weight: number;
  ttl: number;
  values: string[];
  healthCheckId?: string;
}

/** One of our weighted records (recognised by its SetIdentifier prefix). */
export interface ObservedRecord extends RecordState {
  instanceId: string;
}

/** An instance of an application group, with the group (for completing its lifecycle action). */
export interface AppNode extends ObservedNode {
  groupName: string;
  /** When its drain started (instance tag `hfc:drain-since`): a leaving server's drain clock (drain.ts). */
  drainingSince?: string;
}

/** The application tier: the servers of each backend, and the application groups' instances. */
export interface ServersState {
  /** The servers of each backend that serve: launching and in service (or running, for tags). */
  servers: Record<string, Member[]>;
  /** Leaving application servers (Terminating:Wait) of each backend, with an address: drained before they go (drain.ts). */
  leaving?: Record<string, Member[]>;
  appNodes: AppNode[];
  /** The application group's lifecycle event, as folded in (see ObservedFleet.hint). */
  hint?: LifecycleHint;
}

export interface ObservedFleet {
  nodes: ObservedNode[];
  records: ObservedRecord[];
  healthChecks: ObservedHealthCheck[];
  /** Weighted records at the fleet's name that are not ours, by type (they count against Route 53's 100 per name and type). */
  otherRecords?: Partial<Record<RecordState['type'], number>>;
  /** Of those, the simple (non-weighted) records and alias records, by type: Route 53 refuses weighted records beside them. */
  simpleRecords?: Partial<Record<RecordState['type'], number>>;
  /** Health checks in the account that are not this fleet's (they count against the quota). */
  otherHealthChecks?: number;
  /** Elastic IP pool, interfaces and alarms: only for fleets with `elasticIps` or `alarms`. */
  addressState?: AddressState;
  /** The application tier, for fleets whose configuration is pushed. */
  servers?: ServersState;
  /** Why the application tier could not be read (the push waits; DNS work goes on). */
  serversError?: Error;
  /** The lifecycle event folded into `nodes`, when it was (lib/plan/hints.ts says when). */
  hint?: LifecycleHint;
  /** What the load balancers carry, measured this run when a drain needs it (drain.ts). */
  loads?: LoadMeasurements;
}

/** What one load balancer reported (lib/haproxy/measure.sh). */
export interface NodeLoad {
  /** Sessions on its frontends (the health endpoint's aside), over every HAProxy worker. */
  connections: number;
  /** Application servers asked about, by instance id: sessions summed over backends and workers, and each backend's weight. */
  servers: Record<string, { sessions: number; weights: number[] }>;
}

export interface LoadMeasurements {
  /** When the measurement was asked for (ISO 8601). */
  at: string;
  /** The load balancers that answered. */
  loads: Record<string, NodeLoad>;
  /** The load balancers asked that did not answer, with why. */
  unmeasured: Record<string, string>;
}

/** What the address and alarm planners see. */
export interface AddressState {
  nodes: AddressNode[];
  pool: PoolAddress[];
  alarms: NodeAlarm[];
}

/** A health check the record will reference: one that exists, or one this plan creates. */
export type HealthCheckRef = { id: string } | { callerReference: string };

export interface DesiredRecord extends Omit<RecordState, 'healthCheckId'> {
  healthCheck: HealthCheckRef;
}

/** Every change the apply step can make, each with the reason an operator reads in the log. */
export type Action =
  | { kind: 'createHealthCheck'; instanceId: string; callerReference: string; spec: HealthCheckSpec; tags: Record<string, string>; reason: Reason }
  | { kind: 'tagHealthCheck'; instanceId: string; healthCheckId: string; tags: Record<string, string>; reason: Reason }
  | { kind: 'createRecord'; instanceId: string; record: DesiredRecord; reason: Reason }
  | { kind: 'updateRecord'; instanceId: string; record: DesiredRecord; previous: RecordState; reason: Reason }
  | { kind: 'deleteRecord'; instanceId: string; record: RecordState; reason: Reason }
  | { kind: 'deleteHealthCheck'; instanceId: string; healthCheckId: string; reason: Reason }
  | { kind: 'markDeregistered'; instanceId: string; at: string; reason: Reason }
  | { kind: 'unmarkDeregistered'; instanceId: string; reason: Reason };

/** The plan for one fleet: actions in the order they must run, and why nodes are left out. */
export interface Plan {
  fleet: string;
  actions: Action[];
  /** Instance ids that will have a record and health check once the plan is applied. */
  registered: string[];
  /** Nodes whose lifecycle action cannot be completed yet, with the reason. */
  waiting: { instanceId: string; reason: Reason }[];
  /** Something about a node the operator should fix that holds nothing back (an invalid weight tag). */
  notes: { instanceId: string; reason: Reason }[];
}

export { CONFIG_DIGEST_TAG, DEREGISTERED_AT_TAG } from './tags';
