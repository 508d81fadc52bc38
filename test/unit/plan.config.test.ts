/** Planning the configuration never stops the rest of the plan (lib/plan/fleet.ts). */
import { describe, expect, it, vi } from 'vitest';

vi.mock('../../lib/haproxy/render', async (original) => ({
  ...(await original<typeof import('../../lib/haproxy/render')>()),
  renderConfig: () => {
    throw new RangeError('a bug in the renderer');
  },
}));

const { planFleet } = await import('../../lib/plan/fleet');
const { B, fleetConfig, node } = await import('../fixtures/fleet');

describe('a configuration that cannot be planned', () => {
  it("holds back the push and the launches that wait for it, never a leaving node's DNS work", () => {
    const fleet = fleetConfig({ haproxy: { backends: [{ name: 'app', servers: { tags: { role: 'app' } }, port: 80 }] } });
    const leaving = { ...node(B, 'Terminating:Wait'), deregisteredAt: '2026-11-22T09:50:00.000Z' };
    const plan = planFleet(
      fleet,
      { nodes: [leaving], records: [], healthChecks: [], servers: { servers: { app: [] }, appNodes: [] } },
      {
        now: new Date('2026-11-22T10:00:00Z'),
        pushConfig: true,
      },
    );
    expect(plan.config).toEqual({
      ok: false,
      reason: expect.objectContaining({ code: 'config-plan-failed', message: expect.stringContaining('a bug in the renderer') }),
    });
    expect(plan.completions).toEqual([expect.objectContaining({ instanceId: B, transition: 'terminating' })]);
  });
});
