/**
 * FleetWorld with an HAProxy configuration to push: an application Auto Scaling group as a
 * backend, the configuration and measure documents in simulated SSM, and a simulated HAProxy
 * node behind every load balancer (sim/haproxyNode.ts: the apply script's runtime and reload
 * paths, sessions per server, what the measure script reports), so scenarios can read every
 * node's configuration and set what each one carries.
 */
import { SimHaproxyNode } from '../../sim/haproxyNode';
import { FleetWorld, type WorldOptions } from './fleetWorld';

export const APP_GROUP = 'app-servers';
export const CONFIG_DOCUMENT = 'haproxy-fleet-control-dev-ConfigDocument';
export const MEASURE_DOCUMENT = 'haproxy-fleet-control-dev-MeasureDocument';

export interface NodeConfig {
  version: number;
  digest: string;
  text: string;
}

export class ConfigWorld extends FleetWorld {
  /** The simulated HAProxy of each load balancer that was ever pushed to or measured. */
  readonly haproxy = new Map<string, SimHaproxyNode>();
  /** Nodes that refuse every configuration (haproxy -c fails there), with the error they print. */
  readonly refusing = new Map<string, string>();

  constructor(opts: WorldOptions & { appServers?: number } = {}) {
    super({
      ...opts,
      fleet: {
        haproxy: {
          // Sticky (a stick table shared through `peers`), so the file names the load balancers too.
          backends: [{ name: 'app', servers: { autoScalingGroup: APP_GROUP }, port: 8080, check: { httpPath: '/healthz' }, stickOnSource: true }],
          httpFrontends: [{ name: 'web', port: 80, routes: [], defaultBackend: 'app' }],
        },
        ...(opts.fleet ?? {}),
      },
    });
    this.deps.settings.configDocumentName = CONFIG_DOCUMENT;
    this.deps.settings.measureDocumentName = MEASURE_DOCUMENT;
    this.account.autoScaling.createGroup({ name: APP_GROUP, instances: opts.appServers ?? 2 });
    // The application group's hooks, as the stack creates them.
    this.putHooks(APP_GROUP);
    this.account.ssm.createDocument(CONFIG_DOCUMENT, {
      schemaVersion: '2.2',
      description: 'simulated apply-config document',
      parameters: { payload: { type: 'String' }, digest: { type: 'String' }, version: { type: 'String' } },
      mainSteps: [{ action: 'aws:runShellScript', name: 'apply', inputs: { runCommand: ['apply-config.sh'] } }],
    });
    this.account.ssm.createDocument(MEASURE_DOCUMENT, {
      schemaVersion: '2.2',
      description: 'simulated measure document',
      parameters: { servers: { type: 'String' } },
      mainSteps: [{ action: 'aws:runShellScript', name: 'measure', inputs: { runCommand: ['measure.sh'] } }],
    });
    this.account.ssm.runner = ({ instanceId, documentName, parameters }) => {
      const node = this.node(instanceId);
      if (documentName === MEASURE_DOCUMENT) return node.measure(parameters);
      const refusal = this.refusing.get(instanceId);
      if (refusal) node.refusing = refusal;
      else delete node.refusing;
      return node.apply(parameters);
    };
  }

  /** The simulated HAProxy of a load balancer. */
  node(instanceId: string): SimHaproxyNode {
    let n = this.haproxy.get(instanceId);
    if (!n) {
      // Its host name as a Debian AMI sets it (HAProxy's local peer name without -L).
      const ip = this.account.ec2.instance(instanceId)?.privateIp ?? '10.0.0.1';
      n = new SimHaproxyNode(instanceId, `ip-${ip.replace(/\./g, '-')}`);
      this.haproxy.set(instanceId, n);
    }
    return n;
  }

  /** What each node runs now. */
  get running(): Map<string, NodeConfig> {
    return new Map([...this.haproxy].flatMap(([id, n]) => (n.running ? [[id, n.running] as const] : [])));
  }

  /** The `server` lines a node's configuration has, by backend server instance id. */
  serversOn(instanceId: string): string[] {
    return [...(this.running.get(instanceId)?.text.matchAll(/^\s+server (\S+) /gm) ?? [])].map((m) => m[1]!).sort();
  }
  peersOn(instanceId: string): string[] {
    return [...(this.running.get(instanceId)?.text.matchAll(/^\s+peer (\S+) /gm) ?? [])].map((m) => m[1]!).sort();
  }

  appServers(): string[] {
    return this.account.autoScaling
      .instances(APP_GROUP)
      .map((i) => i.instanceId)
      .sort();
  }
}
