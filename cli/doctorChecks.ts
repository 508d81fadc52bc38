/**
 * `hfc doctor`'s checks: pure functions of what was read (cli/doctorFacts.ts), each a pass, warn
 * or fail with what to change. The mistakes they catch otherwise show up only as failures after a
 * deploy: launches abandoned, checks failing, failovers with nowhere to go.
 */
import type { LocalPeerReport } from '../lib/haproxy/localPeer';
import { checksPerNode, familiesOf } from '../lib/plan/families';
import { ROUTE53_LIMITS } from '../lib/plan/limits';
import { belongsInDns } from '../lib/plan/nodes';
import type { FleetView } from './inspect';

export interface Check {
  fleet: string;
  check: string;
  status: 'pass' | 'warn' | 'fail';
  /** What was found, and (warn, fail) what to change. */
  detail: string;
  /** The peer name check: what each in-service load balancer reported. */
  nodes?: LocalPeerNode[];
}

/**
 * What a load balancer's newest successful configuration push said about the local peer name its
 * HAProxy master runs under (cli/doctorFacts.ts; lib/haproxy/localPeer.ts).
 */
export interface LocalPeerFact {
  /** A successful push of the configuration document is listed for the node. */
  pushed?: boolean;
  /** When that push was sent. */
  pushedAt?: Date;
  /** Its report; none: the node ran an apply script from before the report. */
  report?: LocalPeerReport;
  /** Its invocations could not be read (for example no ssm:ListCommandInvocations). */
  error?: string;
}

/** One load balancer in the peer name check's JSON. */
export interface LocalPeerNode {
  instanceId: string;
  /**
   * `ok`: runs under its instance id; `mismatch`: under another name (`running`, from `source`);
   * `unknown`: the script could not tell, or its report or the invocations were unreadable
   * (`why`); `no-report`: its last push ran a script from before the report; `no-push`: no
   * successful push of the configuration document is listed for it.
   */
  result: 'ok' | 'mismatch' | 'unknown' | 'no-report' | 'no-push';
  running?: string;
  source?: string;
  why?: string;
  /** When the push that reported it was sent (ISO 8601). */
  reportedAt?: string;
}

/** A security group's ingress rule, as far as the checks need it. */
export interface Ingress {
  protocol: string;
  fromPort?: number;
  toPort?: number;
  cidrs: string[];
  ipv6Cidrs: string[];
  prefixLists: string[];
}

export interface DoctorFacts {
  view: FleetView;
  group: { maxSize: number; instanceTypes: string[] } | undefined;
  /** The hooks on the group, by name. */
  hooks: Map<string, { transition: string; heartbeatTimeout: number; defaultResult: string }>;
  /** IPv4 addresses per network interface, by instance type (DescribeInstanceTypes). */
  ipv4PerInterface: Map<string, number>;
  /** The load balancers' security groups' ingress (all of a node's groups together), by instance. */
  ingress: Map<string, Ingress[]>;
  /** Route 53 health checkers' managed prefix lists in the region (IPv4, IPv6), when found. */
  checkerPrefixLists: { ipv4?: string; ipv6?: string };
  /** Load balancers whose SSM agent is online (fleets with haproxy). */
  ssmOnline?: Set<string>;
  /** The in-service load balancers' local peer name reports, by instance (fleets with stick tables). */
  localPeers?: Map<string, LocalPeerFact>;
  /** Every health check in the account (the quota is the account's). */
  accountHealthChecks: number;
}

const pass = (fleet: string, check: string, detail: string): Check => ({ fleet, check, status: 'pass', detail });
const warn = (fleet: string, check: string, detail: string): Check => ({ fleet, check, status: 'warn', detail });
const fail = (fleet: string, check: string, detail: string): Check => ({ fleet, check, status: 'fail', detail });

/**
 * Whether a rule admits TCP on `port` from the family's checkers: `yes` from anywhere or their
 * managed prefix list; `maybe` from other ranges or prefix lists (the checkers' published ranges,
 * or a list of your own: not confirmed here); `no` otherwise.
 */
function admits(rule: Ingress, port: number, family: 'ipv4' | 'ipv6', prefixList: string | undefined, otherFamilyList?: string): 'yes' | 'maybe' | 'no' {
  const tcp = rule.protocol === '-1' || rule.protocol === 'tcp' || rule.protocol === '6';
  const inRange = rule.protocol === '-1' || ((rule.fromPort ?? 0) <= port && port <= (rule.toPort ?? 65535));
  if (!tcp || !inRange) return 'no';
  const cidrs = family === 'ipv4' ? rule.cidrs : rule.ipv6Cidrs;
  if (cidrs.includes(family === 'ipv4' ? '0.0.0.0/0' : '::/0') || (!!prefixList && rule.prefixLists.includes(prefixList))) return 'yes';
  // (The other family's checker list holds none of this family's checkers.)
  return cidrs.length || rule.prefixLists.some((l) => l !== otherFamilyList) ? 'maybe' : 'no';
}

export function doctorChecks(f: DoctorFacts): Check[] {
  const { fleet, observed } = f.view;
  const name = fleet.name;
  const out: Check[] = [];
  const families = familiesOf(fleet);

  // The group.
  if (!f.group) {
    out.push(fail(name, 'group', `Auto Scaling group ${fleet.autoScalingGroupName} does not exist (autoScalingGroupName)`));
    return out;
  }
  const max = f.group.maxSize;

  // Route 53: 100 weighted records per name and type, ours and anyone else's.
  for (const type of families) {
    const others = observed.otherRecords?.[type] ?? 0;
    const room = ROUTE53_LIMITS.weightedRecordsPerName - others;
    out.push(
      max > room
        ? fail(
            name,
            `record limit (${type})`,
            `the group may grow to ${max} nodes, but ${fleet.dns.recordName} has room for ${room} more weighted ${type} records (100 per name and type${others ? `, ${others} not ours` : ''}): lower the group's MaxSize or split it into fleets with their own record names (docs/scaling.md)`,
          )
        : pass(name, `record limit (${type})`, `MaxSize ${max} fits the ${room} weighted ${type} records ${fleet.dns.recordName} has room for`),
    );
  }
  // Health checks: the account's quota.
  const perNode = checksPerNode(fleet.dns);
  const ours = observed.healthChecks.length;
  const need = max * perNode;
  const left = fleet.limits.healthCheckQuota - (f.accountHealthChecks - ours);
  out.push(
    need > left
      ? fail(
          name,
          'health-check quota',
          `the group may need ${need} health checks (${perNode} per node), but the account has room for ${left} (limits.healthCheckQuota ${fleet.limits.healthCheckQuota}, ${f.accountHealthChecks - ours} used by others): request a higher Route 53 quota and raise limits.healthCheckQuota, or lower MaxSize`,
        )
      : need > 0.8 * left
        ? warn(
            name,
            'health-check quota',
            `the group may need ${need} of the ${left} health checks left in the account: little room for replacements and other tools`,
          )
        : pass(name, 'health-check quota', `the group may need ${need} health checks; the account has room for ${left}`),
  );
  // Records at the name that are not ours.
  const simple = Object.entries(observed.simpleRecords ?? {}).filter(([t, n]) => families.includes(t as never) && (n ?? 0) > 0);
  const foreign = families.reduce((n, t) => n + (observed.otherRecords?.[t] ?? 0), 0);
  out.push(
    simple.length
      ? fail(
          name,
          'records at the name',
          `${fleet.dns.recordName} has a simple or alias ${simple.map(([t]) => t).join(' and ')} record, beside which Route 53 allows no weighted record: delete it, or adopt the fleet (hfc adopt)`,
        )
      : foreign
        ? warn(
            name,
            'records at the name',
            `${foreign} weighted record(s) at ${fleet.dns.recordName} are not ours: they answer beside the fleet; hfc adopt takes them over`,
          )
        : pass(name, 'records at the name', `every weighted record at ${fleet.dns.recordName} is ours`),
  );

  // Lifecycle hooks: deployed as configured.
  for (const transition of ['launching', 'terminating'] as const) {
    const want = fleet.lifecycleHooks[transition];
    const have = f.hooks.get(want.name);
    if (!have)
      out.push(
        fail(
          name,
          `${transition} hook`,
          `no hook ${want.name} on ${fleet.autoScalingGroupName}: deploy the stack (npx serverless deploy), or the stage that manages this fleet`,
        ),
      );
    else if (have.heartbeatTimeout !== want.heartbeatTimeoutSeconds || have.defaultResult !== want.defaultResult)
      out.push(
        warn(
          name,
          `${transition} hook`,
          `${want.name} has heartbeat ${have.heartbeatTimeout} s and ${have.defaultResult}; the configuration says ${want.heartbeatTimeoutSeconds} s and ${want.defaultResult} (a shadow deployment CONTINUEs after 30 s; otherwise deploy again)`,
        ),
      );
    else out.push(pass(name, `${transition} hook`, `${want.name}: heartbeat ${have.heartbeatTimeout} s, ${have.defaultResult}`));
  }
  // The terminating hook leaves room for the deregistration delay (and the load balancers' drain).
  const term = fleet.lifecycleHooks.terminating.heartbeatTimeoutSeconds;
  const delay = fleet.dns.deregistrationDelaySeconds + (fleet.haproxy?.drain.loadBalancers.timeoutSeconds ?? 0);
  out.push(
    delay + 90 > term
      ? fail(
          name,
          'deregistration delay',
          `the terminating hook's ${term} s leave no room for the ${delay} s of delay and drain plus a scheduled run: raise lifecycleHooks.terminating.heartbeatTimeoutSeconds`,
        )
      : pass(name, 'deregistration delay', `${delay} s of delay and drain fit the terminating hook's ${term} s`),
  );

  // Elastic IPs: pool size and the secondary IPs a node needs to receive its peers' addresses.
  if (fleet.elasticIps) {
    const pool = observed.addressState?.pool.length ?? 0;
    out.push(
      pool < max
        ? warn(
            name,
            'Elastic IP pool',
            `${pool} pool address(es) for a group of up to ${max}: nodes launched beyond ${pool} register their own public IPv4 and keep it (reason no-elastic-ip); tag more addresses hfc:pool=${fleet.elasticIps.pool}`,
          )
        : pass(name, 'Elastic IP pool', `${pool} pool addresses for a group of up to ${max}`),
    );
    if (!f.group.instanceTypes.length)
      out.push(warn(name, 'secondary IPs', "no instance in the group: the instance types' IP capacity is not checked (run doctor once nodes are up)"));
    for (const type of f.group.instanceTypes) {
      const perEni = f.ipv4PerInterface.get(type);
      if (perEni === undefined) {
        out.push(warn(name, `secondary IPs (${type})`, `EC2 did not describe instance type ${type}: its IP capacity is unknown`));
        continue;
      }
      // Worst case: one node holds every pool address (its own on the primary IP, the rest on secondaries).
      const secondaries = perEni - 1;
      const worst = Math.max(pool - 1, fleet.elasticIps.sparePrivateIps);
      out.push(
        secondaries < fleet.elasticIps.sparePrivateIps
          ? fail(
              name,
              `secondary IPs (${type})`,
              `${type} has ${secondaries} secondary IPv4 per interface, fewer than elasticIps.sparePrivateIps (${fleet.elasticIps.sparePrivateIps})`,
            )
          : secondaries < worst
            ? warn(
                name,
                `secondary IPs (${type})`,
                `${type} can hold ${secondaries} peers' addresses on its primary interface; with ${pool} in the pool the last healthy node could need ${pool - 1}: the rest would wait (no-receiver)`,
              )
            : pass(name, `secondary IPs (${type})`, `${type}: ${secondaries} secondary IPv4 per interface, enough for every pool address`),
      );
    }
  }

  // Route 53's checkers must reach the health-check port (not for checks on alarms).
  if (fleet.dns.address !== 'private-ipv4') {
    const port = fleet.healthCheck.port;
    // The nodes that serve or are about to (a node in Standby or leaving is not probed for long).
    const nodes = observed.nodes.filter((n) => belongsInDns(n) && f.ingress.has(n.instanceId));
    for (const family of families.map((t) => (t === 'A' ? ('ipv4' as const) : ('ipv6' as const)))) {
      const list = f.checkerPrefixLists[family];
      const best = (id: string) => {
        const other = f.checkerPrefixLists[family === 'ipv4' ? 'ipv6' : 'ipv4'];
        const answers = f.ingress.get(id)!.map((r) => admits(r, port, family, list, other));
        return answers.includes('yes') ? 'yes' : answers.includes('maybe') ? 'maybe' : 'no';
      };
      const closed = nodes.filter((n) => best(n.instanceId) === 'no');
      const unsure = nodes.filter((n) => best(n.instanceId) === 'maybe');
      const label = `health checkers (${family === 'ipv4' ? 'IPv4' : 'IPv6'}, port ${port})`;
      if (!nodes.length) out.push(warn(name, label, 'no running load balancer to look at'));
      else if (!closed.length && unsure.length)
        out.push(
          warn(
            name,
            label,
            `the security groups of ${unsure.map((n) => n.instanceId).join(', ')} admit TCP ${port} only from address ranges or prefix lists of their own: make sure they hold Route 53's checkers (ip-ranges.json, service ROUTE53_HEALTHCHECKS), or use the prefix list ${list ?? 'com.amazonaws.<region>.route53-healthchecks'}`,
          ),
        );
      else if (closed.length)
        out.push(
          fail(
            name,
            label,
            `the security groups of ${closed.map((n) => n.instanceId).join(', ')} do not admit TCP ${port} from ${family === 'ipv4' ? '0.0.0.0/0' : '::/0'} or Route 53's health checkers (prefix list ${list ?? `com.amazonaws.<region>.${family === 'ipv6' ? 'ipv6.' : ''}route53-healthchecks`}): every check would fail`,
          ),
        );
      else out.push(pass(name, label, `every load balancer's security groups admit TCP ${port} from Route 53's health checkers`));
    }
  }

  // The configuration push needs the SSM agent.
  if (fleet.haproxy && f.ssmOnline) {
    // A node still launching may not have registered with Systems Manager yet: only serving ones count.
    const lbs = observed.nodes.filter((n) => n.lifecycleState === 'InService');
    const offline = lbs.filter((n) => !f.ssmOnline!.has(n.instanceId));
    out.push(
      offline.length
        ? fail(
            name,
            'SSM agents',
            `${offline.map((n) => n.instanceId).join(', ')} not online in Systems Manager: no configuration reaches them (instance profile with AmazonSSMManagedInstanceCore, the agent running, a route to SSM)`,
          )
        : pass(name, 'SSM agents', `online on every load balancer (${lbs.length})`),
    );
    if (fleet.haproxy.backends.some((b) => b.stickOnSource)) out.push(peerNameCheck(name, lbs, f.localPeers));
  }
  return out;
}

const REMINDER = "stick tables are shared through peers: each node's HAProxy must start with -L <its instance id> (docs/iam.md#the-nodes-haproxy)";
const HOW_TO_FIX =
  'start HAProxy with -L <instance id>: EXTRAOPTS="-S /run/haproxy-master.sock -L <instance id>" in /etc/default/haproxy (docs/iam.md#the-nodes-haproxy), then restart it (a reload keeps the master\'s command line); the report is the node\'s last push: delete its hfc:config-digest tag and the next run pushes again and reports anew';
const SOURCE_TEXT: Record<string, string> = {
  '-L': 'started with -L',
  localpeer: 'a localpeer line in its configuration',
  hostname: 'started without -L: its host name',
};

/** One node's report, classified. */
function localPeerNode(instanceId: string, fact: LocalPeerFact | undefined): LocalPeerNode {
  const at = fact?.pushedAt ? { reportedAt: fact.pushedAt.toISOString() } : {};
  if (!fact || fact.error) return { instanceId, result: 'unknown', why: `its invocations could not be read: ${fact?.error ?? 'not read'}` };
  if (!fact.pushed) return { instanceId, result: 'no-push', why: 'no successful push of the configuration document is listed for it' };
  const r = fact.report;
  if (!r) return { instanceId, result: 'no-report', why: 'its last push ran an apply script from before the report', ...at };
  if (r.verdict === 'unknown') return { instanceId, result: 'unknown', why: r.reason, ...at };
  // A report says ok against the name it was given; the name must also be this node's.
  return { instanceId, result: r.verdict === 'ok' && r.running === instanceId ? 'ok' : 'mismatch', running: r.running, source: r.source, ...at };
}

/**
 * The running HAProxy's local peer name on every in-service load balancer, as its newest
 * successful push reported it (docs/haproxy.md, "The local peer name"): a node under another
 * name fails (its stick tables do not sync), one that could not be read warns, with the old
 * reminder when none could.
 */
function peerNameCheck(fleet: string, lbs: readonly { instanceId: string }[], facts: Map<string, LocalPeerFact> | undefined): Check {
  const nodes = lbs.map((n) => localPeerNode(n.instanceId, facts?.get(n.instanceId))).sort((x, y) => x.instanceId.localeCompare(y.instanceId));
  const withNodes = (c: Check): Check => ({ ...c, nodes });
  const wrong = nodes.filter((n) => n.result === 'mismatch');
  const unread = nodes.filter((n) => n.result !== 'ok' && n.result !== 'mismatch');
  const unreadText = unread.map((n) => `${n.instanceId} (${n.why})`).join(', ');
  // The report comes with every successful push; a push of the same configuration again is a no-op on the node.
  const again =
    'a node reports with its next successful push (to have one now, delete its hfc:config-digest tag: the next run pushes the same configuration again, which the node applies without a reload)';
  if (!lbs.length) return withNodes(warn(fleet, 'peer name', `${REMINDER}; no load balancer is in service to read it from`));
  if (wrong.length)
    return withNodes(
      fail(
        fleet,
        'peer name',
        `${wrong.map((n) => `${n.instanceId} runs HAProxy as ${n.running} (${SOURCE_TEXT[n.source!]})`).join('; ')}: HAProxy does not find itself under that name in the rendered peers section (each node is named by its instance id), so its stick tables do not sync. On each, ${HOW_TO_FIX}${unread.length ? `. Not read: ${unreadText}` : ''}`,
      ),
    );
  if (unread.length === nodes.length) return withNodes(warn(fleet, 'peer name', `${REMINDER}; no node's report could be read: ${unreadText}; ${again}`));
  if (unread.length)
    return withNodes(
      warn(fleet, 'peer name', `${nodes.length - unread.length} of ${nodes.length} run HAProxy under their instance id; not read: ${unreadText}; ${again}`),
    );
  const oldest = nodes.map((n) => n.reportedAt ?? '').sort()[0];
  return withNodes(
    pass(
      fleet,
      'peer name',
      `every load balancer in service (${nodes.length}) runs HAProxy under its instance id, as its last successful push reported${oldest ? ` (the oldest report: ${oldest})` : ''}`,
    ),
  );
}
