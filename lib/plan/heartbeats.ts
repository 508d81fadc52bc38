/**
 * Heartbeats for launches that wait on Route 53's quota. CreateHealthCheck allows a burst of 50,
 * then one every 2 s, so in a burst of launches the last nodes wait minutes for their checks:
 * longer than the launching hook's heartbeat timeout (300 s by default), after which Auto Scaling
 * would ABANDON them. A node that the plan will register, but whose record does not exist yet,
 * gets a RecordLifecycleActionHeartbeat when its hook's timer is about to run out.
 *
 * The timer restarts at the launch and at every heartbeat. The launch time is the instance's
 * (EC2 LaunchTime: the wait starts moments later, so the estimate errs early, the safe way), and
 * the last heartbeat is an instance tag (`hfc:heartbeat-at`), so every run and every function
 * knows it. A heartbeat is sent once the timer has run for longer than the timeout minus the
 * headroom: enough for the schedule's next two runs to come and go (the configuration refuses a
 * launching hook shorter than that: lib/config/schema.ts).
 *
 * Nodes waiting for anything else (no address, a quota, the configuration push) get none: there
 * the hook's own timeout is the intended limit, not something the control plane should extend.
 */
import { HEADROOM_SECONDS } from '../config/schedule';
import type { FleetConfig } from '../config/schema';
import { LAUNCH_WAIT } from './lifecycle';
import { type Reason, reason } from './reasons';
import type { ObservedFleet, Plan } from './types';

export interface PlannedHeartbeat {
  instanceId: string;
  hookName: string;
  reason: Reason;
}

export function planHeartbeats(fleet: FleetConfig, observed: ObservedFleet, dns: Plan, now: Date, headroomSeconds = HEADROOM_SECONDS): PlannedHeartbeat[] {
  const hook = fleet.lifecycleHooks.launching;
  const dueAfterMs = Math.max(hook.heartbeatTimeoutSeconds - headroomSeconds, 0) * 1000;
  const willRegister = new Set(dns.registered);
  // A record still to create (a dual-stack node may have one of its two already).
  const creating = new Set(dns.actions.filter((a) => a.kind === 'createRecord').map((a) => a.instanceId));
  const out: PlannedHeartbeat[] = [];
  for (const n of observed.nodes) {
    if (n.lifecycleState !== LAUNCH_WAIT || !willRegister.has(n.instanceId) || !creating.has(n.instanceId)) continue;
    const since = n.timerStartedAt ? Date.parse(n.timerStartedAt) : Number.NaN;
    if (Number.isNaN(since)) continue; // never guessed: the launch time is always known for a running instance
    const running = now.getTime() - since;
    if (running < dueAfterMs) continue;
    // No burst within the account's quota takes longer than creating every check it allows, one
    // every 2 s: a launch still waiting past that (plus one hook period) is not queued but stuck
    // (its create fails for good): no more heartbeats, the hook's own timeout decides.
    const launched = n.launchedAt ? Date.parse(n.launchedAt) : since;
    const longestBurstMs = (2 * fleet.limits.healthCheckQuota + hook.heartbeatTimeoutSeconds) * 1000;
    if (now.getTime() - launched > longestBurstMs) continue;
    out.push({
      instanceId: n.instanceId,
      hookName: hook.name,
      reason: reason(
        'heartbeat',
        `waiting ${Math.round(running / 1000)} s for its health check (Route 53 creates one every 2 s after a burst of 50); the ${hook.heartbeatTimeoutSeconds} s hook timeout starts again`,
      ),
    });
  }
  return out.sort((a, b) => a.instanceId.localeCompare(b.instanceId));
}
