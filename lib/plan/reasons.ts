/**
 * Why the plan does something, or why a node waits: a stable code for machines (the CLI's `why`,
 * metrics, log queries, tests) and a sentence for the operator reading the log.
 *
 * Every code the planner can give is listed here once, with what it means; the type makes an
 * unlisted code a compile error, and docs/plan-reasons.md (checked by a test) lists them all.
 */
/** Waits the configuration bounds (deregistration delays, drains): expected, not stuck. */
export const BOUNDED_WAITS: ReadonlySet<string> = new Set(['draining', 'lb-draining', 'drain-starts', 'server-draining']);

export const REASON_CODES = {
  // Route 53: records and health checks
  'node-joined': 'a node that belongs in DNS (or a managed alarm) has none yet: it is created',
  'check-settings-changed': "the node's health check no longer matches the configuration: a new one replaces it",
  'check-missing': 'the record references no health check of ours: one is created for it',
  'check-untagged': 'a health check of ours lacks its ownership tags: they are added',
  'record-drifted': "the node's record differs from what it should be (address, weight, TTL or health check)",
  'node-left': 'the node is leaving or gone: its record, health check or alarm is removed',
  'record-type-dropped':
    'the fleet no longer registers this record type (dns.address or dns.dualStack changed): the node keeps its other records, this one goes',
  'check-superseded': 'a health check of ours that no record uses any more (replaced, or a duplicate) is removed',
  'delay-starts': 'the deregistration delay starts: the time is noted on the instance before its record goes',
  'back-in-service': 'a node back from the warm pool: the deregistration note of its earlier life is cleared',
  // Elastic IPs
  'home-missing': 'a node has no home Elastic IP: it claims a free one from the pool',
  'home-released': "an address's home is gone, leaving, or already has another: the claim is dropped",
  'to-home': 'the home node can serve (after a failover: it passed the hold-down): its address goes to it, or back',
  failover: 'the holder of an address cannot serve: the address moves to a healthy peer',
  'spare-ips': 'a node keeps free secondary private IPs, to receive peers’ addresses without waiting',
  'no-receiver': 'an address should move, but no healthy peer can receive it: it is left where it is',
  // Managed alarms
  'alarm-drifted': "a node's alarm differs from the configuration: it is put again",
  // The HAProxy configuration
  'config-plan-failed': 'the configuration could not be planned (a bug): nothing is pushed, launches wait',
  'config-refused': 'a value from AWS is not a valid token of its place in the configuration: nothing is pushed',
  'config-too-large': 'the rendered configuration does not fit one SSM command: nothing is pushed',
  'app-tier-unreadable': 'the application tier could not be read: nothing is pushed, launches wait',
  'config-behind': 'a load balancer does not run the configuration rendered now (its hfc:config-digest differs): it is pushed',
  // Lifecycle actions completed
  registered: 'a launching load balancer has its record and health check: its launch goes on',
  deregistered: 'a leaving load balancer has no record or health check left (no deregistration delay)',
  'delay-over': 'a leaving load balancer’s deregistration delay is over: its termination goes on',
  'to-warm-pool': 'a load balancer leaving for the warm pool is deregistered: released without the delay',
  'in-config': 'every load balancer that may carry traffic runs a configuration with this application server',
  'out-of-config': 'no load balancer that may carry traffic runs a configuration with this application server',
  'server-drained': 'a leaving application server has no session left on any load balancer that may carry traffic: it is removed, then let go',
  'drain-timeout': 'a leaving application server’s drain timeout passed: it is removed (what it still carries is cut), then let go',
  'no-drain': 'a leaving application server is removed without a drain (drain timeout 0, or no backend lists it)',
  'lb-drained': 'a leaving load balancer’s own connections fell to drain.loadBalancers.maxConnections: its termination goes on',
  'lb-drain-timeout': 'a leaving load balancer’s drain timeout passed: its termination goes on with what it still carries',
  // Lifecycle actions waiting
  'no-address': 'the node has no address of the configured kind (dns.address) seen: nothing is registered or removed for it',
  'no-alarm-region': 'a private-ipv4 fleet without an alarm topic: the region of the alarms its health checks watch is unknown, nothing is registered',
  'no-elastic-ip': 'elastic-ip mode: a launching node has no home Elastic IP (none free in the pool): it goes on on its own public IPv4, which it keeps',
  'record-limit': "the fleet's record name already has 100 weighted records, Route 53's limit per name and type: the node is not registered",
  'record-conflict':
    "the fleet's record name has a simple or alias record of a type the node needs, beside which Route 53 allows no weighted record: the node is not registered",
  'health-check-quota': "the account's health checks have reached limits.healthCheckQuota: no check is created for the node",
  draining: 'deregistered; the node is released when the deregistration delay is over',
  'lb-draining':
    'a leaving load balancer past its deregistration delay still carries connections (or was not measured): released when they fall to the threshold or its drain timeout passes',
  'drain-starts': 'a leaving application server is put in drain (weight 0) on every load balancer: no new connection, open ones go on; the time is noted on it',
  'server-draining': 'a leaving application server in drain still has sessions on a load balancer (or one was not measured, or does not run the drain yet)',
  'holding-elastic-ips': 'a leaving node still holds pool addresses: it is released once a peer has them',
  'not-in-config': 'an application server with no private IP seen yet: the configuration does not list it',
  'dns-failed': "the node's Route 53 work failed this run: the next run retries",
  'dns-deferred': "the node's Route 53 work was left for the next run (out of time, or throttled)",
  heartbeat: "a launch still waiting for its health check: a heartbeat restarts its hook's timer so Auto Scaling does not abandon it",
  'addresses-failed': "the node's Elastic IP work failed this run: the next run retries",
  'config-not-applied': 'the launching load balancer has not applied the configuration yet (offline, refused, or still running)',
  'gate-closed': 'load balancers that may carry traffic do not run the configuration yet: application servers wait',
  // Notes: something to fix that holds nothing back
  'weight-tag-invalid': "a node's weight tag (dns.weightTag) is not a whole number from 0 to 255: the node is registered with dns.weight",
  // Lifecycle events (lib/plan/dispatch.ts): what a message asks of us, before any AWS call
  'test-notification': "Auto Scaling's test notification (sent when a hook's target is set): acknowledged, nothing changed",
  'group-not-managed': 'no fleet manages the Auto Scaling group the event is about: acknowledged, nothing changed',
  'hook-not-ours': "the event is for a hook that is not this fleet's for its transition (another team's): acknowledged, nothing changed",
  'route-impossible': "the event's route (origin, destination) is not one Auto Scaling sends for its transition: rejected, nothing changed",
  'warm-pool-move': 'launched into the warm pool, or terminated from it: no DNS work; completed once the warm pool confirms it',
  'event-late': "the event's lifecycle action is already over (a duplicate or a retry): acknowledged after one look, nothing changed",
  'event-unconfirmed': 'the event contradicts Auto Scaling, which confirms no such action of ours (stale or forged): rejected, nothing changed',
  // EC2 events that announce a node's end (lib/plan/health.ts): what the alarm function does with one
  'node-ending': "EC2 announced a fleet node's end (Spot interruption, rebalance recommendation, stopping, shutting down): marked, failed over now",
  'not-ending': 'the EC2 state change ends nothing (pending, running): acknowledged, no AWS call',
  'not-fleet-node': 'the EC2 event is about an instance that is not a load balancer of a fleet with Elastic IPs: acknowledged, nothing changed',
  'ending-superseded': 'the EC2 event is older than the instance’s last start (an earlier run): acknowledged, nothing changed',
} as const;

export type ReasonCode = keyof typeof REASON_CODES;

export interface Reason {
  code: ReasonCode;
  message: string;
}

export const reason = (code: ReasonCode, message: string): Reason => ({ code, message });

/** For a line of text: the sentence, then the code to search the docs and logs for. */
export const formatReason = (r: Reason): string => `${r.message} [${r.code}]`;
