/**
 * FleetWorld with an HAProxy configuration to push: an application Auto Scaling group as a
 * backend, the configuration document in simulated SSM, and a node runner that does what the
 * apply script does with a payload (decode, verify the digest, refuse an older version) and
 * records what each node runs, so scenarios can read every node's configuration.
 */
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { FleetWorld, type WorldOptions } from './fleetWorld';

export const APP_GROUP = 'app-servers';
export const CONFIG_DOCUMENT = 'haproxy-fleet-control-dev-ConfigDocument';

export interface NodeConfig {
  version: number;
  digest: string;
  text: string;
}

export class ConfigWorld extends FleetWorld {
  /** What each node runs now. */
  readonly running = new Map<string, NodeConfig>();
  /** Nodes that refuse every configuration (haproxy -c fails there), with the error they print. */
  readonly refusing = new Map<string, string>();

  constructor(opts: WorldOptions & { appServers?: number } = {}) {
    super({
      ...opts,
      fleet: {
        haproxy: {
          backends: [{ name: 'app', servers: { autoScalingGroup: APP_GROUP }, port: 8080, check: { httpPath: '/healthz' } }],
          httpFrontends: [{ name: 'web', port: 80, routes: [], defaultBackend: 'app' }],
        },
        ...(opts.fleet ?? {}),
      },
    });
    this.deps.settings.configDocumentName = CONFIG_DOCUMENT;
    this.account.autoScaling.createGroup({ name: APP_GROUP, instances: opts.appServers ?? 2 });
    // The application group's hooks, as the stack creates them.
    this.putHooks(APP_GROUP);
    this.account.ssm.createDocument(CONFIG_DOCUMENT, {
      schemaVersion: '2.2',
      description: 'simulated apply-config document',
      parameters: { payload: { type: 'String' }, digest: { type: 'String' }, version: { type: 'String' } },
      mainSteps: [{ action: 'aws:runShellScript', name: 'apply', inputs: { runCommand: ['apply-config.sh'] } }],
    });
    this.account.ssm.runner = ({ instanceId, parameters }) => {
      const [payload = '', digest = '', version = '0'] = [parameters.payload?.[0], parameters.digest?.[0], parameters.version?.[0]];
      const text = gunzipSync(Buffer.from(payload, 'base64')).toString('utf8');
      if (createHash('sha256').update(text).digest('hex') !== digest) return { status: 'Failed', exitCode: 2, stderr: 'apply-config: payload corrupt' };
      const current = this.running.get(instanceId);
      if (current && Number(version) < current.version)
        return { status: 'Failed', exitCode: 3, stderr: `apply-config: refusing version ${version}: version ${current.version} is applied` };
      const refusal = this.refusing.get(instanceId);
      if (refusal) return { status: 'Failed', exitCode: 4, stderr: `apply-config: ${refusal}; the old configuration keeps running` };
      this.running.set(instanceId, { version: Number(version), digest, text });
      return { status: 'Success', stdout: `applied version ${version} digest ${digest}` };
    };
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
