/**
 * The node apply script (lib/haproxy/apply-config.sh) against a live HAProxy on loopback:
 * validated, atomic, reloaded without dropping the listener, and every failure leaves the old
 * configuration running.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  applyArgs,
  encodeConfig,
  freePort,
  haproxyInstalled,
  hammer,
  renderTestConfig,
  runApply,
  startHaproxy,
  startNamedServer,
  type LiveHaproxy,
  type NamedServer,
  type Reply,
} from './live';

const HAVE_HAPROXY = haproxyInstalled();
const IN_CI = process.env.CI === 'true';
if (!HAVE_HAPROXY && !IN_CI) {
  console.warn(
    '!!! SKIPPED test/haproxy/apply-config.test.ts: haproxy is not installed. Install it with: sudo apt-get update && sudo apt-get install -y haproxy',
  );
}
// In CI a missing haproxy must fail the run, never silently skip the live tests.
const describeLive = HAVE_HAPROXY || IN_CI ? describe : describe.skip;

const PEER = 'lb-node-1';
/** The script's report of the running master's local peer name: HAProxy is started with -L PEER here. */
const PEER_OK = `hfc-local-peer: ok running=${PEER} source=-L\n`;

describeLive('apply-config.sh against a live HAProxy', () => {
  let serverA: NamedServer;
  let serverB: NamedServer;
  let dir: string;
  let etc: string;
  let config: string;
  let stateDir: string;
  let frontendPort: number;
  let peerPort: number;
  let haproxy: LiveHaproxy | undefined;
  let initialText: string;
  let pidFile: string;

  const configWith = (servers: NamedServer[], extra: Partial<Parameters<typeof renderTestConfig>[0]> = {}) =>
    renderTestConfig({ frontendPort, peerPort, peerName: PEER, servers: servers.map((s) => ({ name: s.name, port: s.port })), ...extra });

  /**
   * Script arguments for pushing `text` as `version`, against this test's directories and HAProxy
   * (its real pid file). `extra` comes last: a repeated option overrides the earlier one.
   */
  const pushArgs = (text: string, version: number, overrides: { reloadCmd?: string; digest?: string; payload?: string; extra?: string[] } = {}) => {
    const enc = overrides.payload === undefined || overrides.digest === undefined ? encodeConfig(text) : undefined;
    return applyArgs({
      payload: overrides.payload ?? enc!.payload,
      digest: overrides.digest ?? enc!.digest,
      version,
      peerName: PEER,
      config,
      stateDir,
      reloadCmd: overrides.reloadCmd ?? `kill -USR2 ${haproxy!.masterPid}`,
      pidFile,
      ...(overrides.extra ? { extra: overrides.extra } : {}),
    });
  };

  /** Workers now that were not in `before` (old ones may have exited since: not counted). */
  const newWorkers = (before: number[]) => haproxy!.workers().filter((pid) => !before.includes(pid));
  const bodies = (replies: Reply[]) => new Set(replies.map((r) => r.body));
  const failures = (replies: Reply[]) => replies.filter((r) => r.status !== 200);
  const applied = () => (existsSync(join(stateDir, 'applied')) ? readFileSync(join(stateDir, 'applied'), 'utf8') : undefined);
  const expectNoTempFiles = () => {
    expect(readdirSync(etc).filter((f) => f !== 'haproxy.cfg' && f !== 'haproxy.cfg.prev')).toEqual([]);
    if (existsSync(stateDir)) expect(readdirSync(stateDir).filter((f) => f !== 'applied' && f !== 'lock')).toEqual([]);
  };

  beforeAll(async () => {
    if (!HAVE_HAPROXY) throw new Error('haproxy is required in CI: apt-get install -y haproxy');
    serverA = await startNamedServer('A');
    serverB = await startNamedServer('B');
  });

  afterAll(async () => {
    await serverA?.close();
    await serverB?.close();
  });

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'apply-config-'));
    etc = join(dir, 'etc');
    mkdirSync(etc);
    config = join(etc, 'haproxy.cfg');
    stateDir = join(dir, 'state');
    pidFile = join(dir, 'haproxy.pid');
    // A free port can be taken by someone else before haproxy binds it: try fresh ports again.
    for (let attempt = 1; ; attempt++) {
      frontendPort = await freePort();
      peerPort = await freePort();
      initialText = configWith([serverA]);
      writeFileSync(config, initialText);
      try {
        haproxy = await startHaproxy({ config, pidFile, peerName: PEER, frontendPort });
        break;
      } catch (e) {
        if (attempt >= 3) throw e;
      }
    }
  });

  afterEach(async () => {
    await haproxy?.stop();
    haproxy = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('adds server B with a live reload while requests keep flowing: no request fails, B starts answering', async () => {
    // Prepare
    const before = await hammer(frontendPort, { minRequests: 10 });
    expect(bodies(before)).toEqual(new Set(['A']));
    const workersBefore = haproxy!.workers();
    expect(workersBefore).toHaveLength(1);
    const next = configWith([serverA, serverB]);

    // Act: apply while requests run back to back, and keep going 1.5 s after the script returns
    const run = runApply(pushArgs(next, 1));
    const replies = await hammer(frontendPort, { during: run, afterMs: 1500, minRequests: 200 });
    const result = await run;

    // Assess
    expect(result.stderr).not.toMatch(/apply-config:/);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(`applied version 1 digest ${encodeConfig(next).digest}\n${PEER_OK}`);
    expect(replies.length).toBeGreaterThanOrEqual(200);
    expect(failures(replies), haproxy!.output()).toEqual([]);
    expect(bodies(replies)).toContain('B');
    expect(replies[0]!.body, 'the first requests predate the reload').toBe('A');
    const tail = replies.slice(-20);
    expect(bodies(tail)).toEqual(new Set(['A', 'B']));
    expect(readFileSync(config, 'utf8')).toBe(next);
    expect(readFileSync(`${config}.prev`, 'utf8')).toBe(initialText);
    expect(applied()).toBe(`version=1\ndigest=${encodeConfig(next).digest}\n`);
    // A new worker serves now: the reload really happened (old worker gone once it drained)
    expect(haproxy!.workers()).not.toContain(workersBefore[0]);
    expectNoTempFiles();
  });

  it('refuses a broken config with exit 4: file unchanged, old config keeps serving', async () => {
    // Prepare: adds B, but with a server keyword haproxy does not know
    const broken = configWith([serverA, serverB]).replace(`127.0.0.1:${serverB.port}`, `127.0.0.1:${serverB.port} no-such-keyword`);

    // Act
    const result = await runApply(pushArgs(broken, 1));

    // Assess
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/^apply-config: .*failed 'haproxy -c'.*the old configuration keeps running/m);
    expect(result.stderr).toMatch(/\[ALERT\].*no-such-keyword/);
    expect(result.stdout).toBe('');
    expect(readFileSync(config, 'utf8')).toBe(initialText);
    expect(existsSync(`${config}.prev`)).toBe(false);
    expect(applied()).toBeUndefined();
    const replies = await hammer(frontendPort, { minRequests: 30 });
    expect(failures(replies)).toEqual([]);
    expect(bodies(replies)).toEqual(new Set(['A']));
    expectNoTempFiles();
  });

  it('refuses a config whose only problem is a WARNING (warnings are errors)', async () => {
    // Prepare: (1) a peers section without our local peer name, which haproxy would silently drop;
    // (2) `option httplog` on a tcp-mode frontend, which haproxy downgrades to tcplog.
    const wrongPeer = configWith([serverA, serverB], { peerName: 'some-other-node' });
    const tcpHttplog = configWith([serverA, serverB]).replace('  default_backend app', '  mode tcp\n  option httplog\n  default_backend app');
    for (const text of [wrongPeer, tcpHttplog]) {
      const file = join(dir, 'probe.cfg');
      writeFileSync(file, text);
      const plain = spawnSync('haproxy', ['-c', '-f', file, '-L', PEER], { encoding: 'utf8' });
      expect(plain.status, 'haproxy -c alone accepts it: only a warning').toBe(0);
      expect(plain.stderr).toContain('[WARNING]');
      rmSync(file);
    }

    // Act
    const results = [await runApply(pushArgs(wrongPeer, 1)), await runApply(pushArgs(tcpHttplog, 2))];

    // Assess
    for (const result of results) {
      expect(result.code).toBe(4);
      expect(result.stderr).toMatch(/^apply-config: .*warnings count as errors.*the old configuration keeps running/m);
      expect(result.stderr).toContain('[WARNING]');
    }
    expect(results[0]!.stderr).toMatch(/Removing incomplete section 'peers fleet'/);
    expect(results[1]!.stderr).toMatch(/option httplog/);
    expect(readFileSync(config, 'utf8')).toBe(initialText);
    expect(applied()).toBeUndefined();
    expect(bodies(await hammer(frontendPort, { minRequests: 10 }))).toEqual(new Set(['A']));
    expectNoTempFiles();
  });

  it('refuses an older version (exit 3); the same version and digest again is a no-op (exit 0)', async () => {
    // Prepare: version 5 (A and B) is applied
    const v5 = configWith([serverA, serverB]);
    const first = await runApply(pushArgs(v5, 5));
    expect(first.code, first.stderr).toBe(0);
    const v4 = configWith([serverA]);
    const workers = haproxy!.workers();

    // Act
    const older = await runApply(pushArgs(v4, 4));
    // The reload command would fail: proves a repeated push does not even reload.
    const again = await runApply(pushArgs(v5, 5, { reloadCmd: 'echo reload must not run >&2; exit 1' }));
    const sameVersionOtherConfig = await runApply(pushArgs(v4, 5));

    // Assess
    expect(older.code).toBe(3);
    expect(older.stderr).toMatch(
      /^apply-config: refusing version 4: version 5 is applied \(pushes can arrive out of order\).*the old configuration keeps running/m,
    );
    expect(older.stdout).toBe('');
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(`already applied version 5 digest ${encodeConfig(v5).digest}\n${PEER_OK}`);
    expect(again.stderr).toBe('');
    expect(sameVersionOtherConfig.code).toBe(3);
    expect(sameVersionOtherConfig.stderr).toMatch(/^apply-config: refusing version 5 with digest/m);
    expect(readFileSync(config, 'utf8')).toBe(v5);
    expect(applied()).toBe(`version=5\ndigest=${encodeConfig(v5).digest}\n`);
    expect(newWorkers(workers), 'no reload happened').toEqual([]);
    expectNoTempFiles();
  });

  it('the applied digest under another version: exit 0 without reloading; a higher version is recorded, a lower one accepted as is', async () => {
    // Prepare: version 5 (A and B) is applied; .prev holds the initial file
    const v5 = configWith([serverA, serverB]);
    const first = await runApply(pushArgs(v5, 5));
    expect(first.code, first.stderr).toBe(0);
    const digest = encodeConfig(v5).digest;
    const workers = haproxy!.workers();
    // The reload command would fail: any reload would turn the exit code into 5.
    const noReload = { reloadCmd: 'echo reload must not run >&2; exit 1' };

    // Act
    const higher = await runApply(pushArgs(v5, 7, noReload));
    const afterHigher = applied();
    const lower = await runApply(pushArgs(v5, 6, noReload));
    // A different configuration older than the recorded version 7 is refused now.
    const olderOther = await runApply(pushArgs(configWith([serverA]), 6));

    // Assess
    expect(higher.code, higher.stderr).toBe(0);
    expect(higher.stdout).toBe(
      `already applied version 7 digest ${digest} (recorded version 5 had the same digest; version 7 recorded, nothing reloaded)\n${PEER_OK}`,
    );
    expect(higher.stderr).toBe('');
    expect(afterHigher).toBe(`version=7\ndigest=${digest}\n`);
    expect(lower.code, lower.stderr).toBe(0);
    expect(lower.stdout).toBe(`already applied version 6 digest ${digest} (as version 7, which stays recorded; nothing reloaded)\n${PEER_OK}`);
    expect(lower.stderr).toBe('');
    expect(olderOther.code).toBe(3);
    expect(olderOther.stderr).toMatch(/^apply-config: refusing version 6: version 7 is applied/m);
    expect(applied()).toBe(`version=7\ndigest=${digest}\n`);
    expect(readFileSync(config, 'utf8')).toBe(v5);
    // .prev still holds the configuration before version 5: not overwritten with version 5 itself.
    expect(readFileSync(`${config}.prev`, 'utf8')).toBe(initialText);
    expect(newWorkers(workers), 'no reload happened').toEqual([]);
    expect(bodies(await hammer(frontendPort, { minRequests: 20 }))).toEqual(new Set(['A', 'B']));
    expectNoTempFiles();
  });

  it('refuses a corrupt payload with exit 2 and changes nothing', async () => {
    // Prepare
    const next = configWith([serverA, serverB]);

    // Act
    const wrongDigest = await runApply(pushArgs(next, 1, { digest: encodeConfig(`${next}# tampered\n`).digest }));
    const notGzip = await runApply(pushArgs(next, 1, { payload: Buffer.from('not gzip at all').toString('base64') }));
    const truncated = encodeConfig(next).payload.slice(0, 40);
    const cut = await runApply(pushArgs(next, 1, { payload: truncated }));

    // Assess
    for (const result of [wrongDigest, notGzip, cut]) {
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^apply-config: payload corrupt.*the old configuration keeps running/m);
      expect(result.stdout).toBe('');
    }
    expect(readFileSync(config, 'utf8')).toBe(initialText);
    expect(applied()).toBeUndefined();
    expect(bodies(await hammer(frontendPort, { minRequests: 10 }))).toEqual(new Set(['A']));
    expectNoTempFiles();
  });

  it('restores the previous config when the reload fails (exit 5), and says so when the second reload fails too', async () => {
    // Prepare: a reload command that fails the first time and works the second time
    const marker = join(dir, 'reload-failed-once');
    const flaky = `if [ -e '${marker}' ]; then kill -USR2 ${haproxy!.masterPid}; else touch '${marker}'; echo simulated reload failure >&2; exit 1; fi`;
    const next = configWith([serverA, serverB]);

    // Act
    const result = await runApply(pushArgs(next, 1, { reloadCmd: flaky }));
    const replies = await hammer(frontendPort, { minRequests: 30, afterMs: 300, during: Promise.resolve() });
    const bothFail = await runApply(pushArgs(next, 2, { reloadCmd: 'echo reload broken >&2; exit 1' }));

    // Assess
    expect(result.code).toBe(5);
    expect(result.stderr).toMatch(/^apply-config: reload of version 1 failed; restored the previous configuration .*the old configuration keeps running/m);
    expect(result.stderr).toContain('simulated reload failure');
    expect(result.stderr).toMatch(/^apply-config: first reload \(version 1\): the reload command failed$/m);
    expect(result.stderr).toMatch(/^apply-config: reload of the restored configuration: HAProxy started a new worker with it$/m);
    expect(result.stdout).toBe('');
    expect(readFileSync(config, 'utf8')).toBe(initialText);
    expect(readFileSync(`${config}.prev`, 'utf8')).toBe(initialText);
    expect(applied()).toBeUndefined();
    expect(failures(replies)).toEqual([]);
    expect(bodies(replies)).toEqual(new Set(['A']));

    expect(bothFail.code).toBe(5);
    expect(bothFail.stderr).toMatch(/^apply-config: .*reloading it failed too: HAProxy keeps running the configuration it had loaded/m);
    expect(bothFail.stderr).toMatch(/^apply-config: reload of the restored configuration: the reload command failed$/m);
    expect(readFileSync(config, 'utf8')).toBe(initialText);
    expect(applied()).toBeUndefined();
    expectNoTempFiles();
  });

  it('refuses a payload that decompresses to more than 4 MiB (a gzip bomb) with exit 2; exactly 4 MiB still decodes', async () => {
    // Prepare: 4 MiB + 1 byte, and 64 MiB (64 KB of gzip: it must stop decompressing at the cap)
    const cap = 4 * 1024 * 1024;
    const justOver = `${'#'.repeat(cap)}\n`;
    const bomb = '\n'.repeat(64 * 1024 * 1024);
    const atCap = `${'#'.repeat(cap - 1)}\n`;

    // Act
    const over = await runApply(pushArgs(justOver, 1));
    const started = Date.now();
    const big = await runApply(pushArgs(bomb, 1));
    const bigMs = Date.now() - started;
    // At the cap, with a wrong digest: refused for the digest (it decoded whole), not for its size.
    const exact = await runApply(pushArgs(atCap, 1, { digest: 'f'.repeat(64) }));

    // Assess
    for (const result of [over, big]) {
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(
        /^apply-config: payload corrupt: it decompresses to more than 4194304 bytes \(4 MiB\); nothing was changed, the old configuration keeps running$/m,
      );
      expect(result.stdout).toBe('');
    }
    expect(bigMs).toBeLessThan(5000);
    expect(exact.code).toBe(2);
    expect(exact.stderr).toContain(`payload corrupt: sha256 is ${encodeConfig(atCap).digest}, expected ${'f'.repeat(64)}`);
    expect(readFileSync(config, 'utf8')).toBe(initialText);
    expect(applied()).toBeUndefined();
    expectNoTempFiles();
  });

  it('a configuration that HAProxy fails to load (port in use) although the reload command succeeds: exit 5, file restored, old config keeps serving', async () => {
    // Prepare: adds B, and a second frontend on server B's port, which is taken. `haproxy -c`
    // does not bind, so it passes; `kill -USR2` returns 0, and HAProxy's new process fails to
    // bind (after about 2 s of retries), logs "Loading failure!" and keeps the old worker.
    const next = configWith([serverA, serverB]) + ['frontend busy', `  bind 127.0.0.1:${serverB.port}`, '  default_backend app', ''].join('\n');
    const workers = haproxy!.workers();
    expect(workers).toHaveLength(1);

    // Act: a timeout well past HAProxy's bind retries, so the second reload does not overlap them
    const result = await runApply(pushArgs(next, 1, { extra: ['--reload-timeout', '4'] }));

    // Assess
    expect(result.code, result.stderr).toBe(5);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      /^apply-config: reload of version 1 failed; restored the previous configuration .* and reloaded it: the old configuration keeps running/m,
    );
    expect(result.stderr).toMatch(/^apply-config: first reload \(version 1\): HAProxy started no new worker within 4 s: it did not load the configuration$/m);
    expect(result.stderr).toMatch(/^apply-config: reload of the restored configuration: HAProxy started a new worker with it$/m);
    expect(result.stderr).toMatch(/^apply-config: why HAProxy did not load it is in HAProxy's log/m);
    expect(haproxy!.output()).toMatch(/cannot bind socket.*Loading failure!/s);
    expect(readFileSync(config, 'utf8')).toBe(initialText);
    expect(readFileSync(`${config}.prev`, 'utf8')).toBe(initialText);
    expect(applied()).toBeUndefined();
    const replies = await hammer(frontendPort, { minRequests: 30 });
    expect(failures(replies)).toEqual([]);
    expect(bodies(replies)).toEqual(new Set(['A']));
    expectNoTempFiles();
  });

  it('fails with exit 1 when the HAProxy master process cannot be found through --pidfile: nothing changed', async () => {
    // Prepare: no pid file; a pid file naming a process that does not exist; one with garbage
    const next = configWith([serverA, serverB]);
    const dead = join(dir, 'dead.pid');
    writeFileSync(dead, '999999999\n');
    const garbage = join(dir, 'garbage.pid');
    writeFileSync(garbage, 'haproxy\n');

    // Act
    const results = [];
    for (const file of [join(dir, 'missing.pid'), dead, garbage]) results.push(await runApply(pushArgs(next, 1, { extra: ['--pidfile', file] })));

    // Assess
    for (const result of results) {
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^apply-config: cannot find HAProxy's master process: pid file .* is missing, unreadable or stale .*nothing was changed$/m);
      expect(result.stdout).toBe('');
    }
    expect(readFileSync(config, 'utf8')).toBe(initialText);
    expect(existsSync(`${config}.prev`)).toBe(false);
    expect(applied()).toBeUndefined();
    expectNoTempFiles();
  });

  it('not ready (exit 6) when haproxy is not installed or the config directory does not exist: nothing changed', async () => {
    // Prepare
    const next = configWith([serverA, serverB]);

    // Act
    const noBinary = await runApply(pushArgs(next, 1, { extra: ['--haproxy', join(dir, 'no-such-dir', 'haproxy')] }));
    const noDir = await runApply(pushArgs(next, 1, { extra: ['--config', join(dir, 'no-such-dir', 'haproxy.cfg')] }));

    // Assess
    for (const result of [noBinary, noDir]) {
      expect(result.code).toBe(6);
      expect(result.stderr).toMatch(/^apply-config: not ready: .*nothing was changed\n$/);
      expect(result.stdout).toBe('');
    }
    expect(noBinary.stderr).toContain(`haproxy binary '${join(dir, 'no-such-dir', 'haproxy')}' not found`);
    expect(noDir.stderr).toContain(`config directory ${join(dir, 'no-such-dir')} does not exist`);
    expect(readFileSync(config, 'utf8')).toBe(initialText);
    expect(existsSync(stateDir)).toBe(false);
    expectNoTempFiles();
  });

  describe('the state directory is trusted only when nobody else can write to it', () => {
    /** A file outside the state directory that a planted symlink points at: it must survive untouched. */
    const victim = () => {
      const file = join(dir, 'victim');
      writeFileSync(file, 'precious\n');
      return file;
    };
    const expectRefusedUnchanged = (result: { code: number | null; stdout: string; stderr: string }, why: RegExp) => {
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(why);
      expect(result.stderr).toContain('nothing was changed');
      expect(result.stdout).toBe('');
      expect(readFileSync(config, 'utf8')).toBe(initialText);
    };

    it('a lock symlink planted in the state directory is never opened (no lock file is used): its target is untouched, the push applies', async () => {
      // Prepare: the old script opened "$state_dir/lock" for writing, truncating a symlink's target
      mkdirSync(stateDir, { mode: 0o755 });
      const target = victim();
      symlinkSync(target, join(stateDir, 'lock'));

      // Act
      const result = await runApply(pushArgs(configWith([serverA, serverB]), 1));

      // Assess
      expect(result.code, result.stderr).toBe(0);
      expect(readFileSync(target, 'utf8')).toBe('precious\n');
      expect(lstatSync(join(stateDir, 'lock')).isSymbolicLink()).toBe(true);
    });

    it('the lock is the state directory itself: an apply waits while another holds it', async () => {
      // Prepare: another apply holds the lock for 1.5 s
      mkdirSync(stateDir, { mode: 0o755 });
      const holder = spawn('bash', ['-c', 'exec 9<"$1"; flock 9; echo locked; sleep 1.5', 'hold', stateDir], { stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise<void>((resolve) => holder.stdout.once('data', () => resolve()));

      // Act
      const started = Date.now();
      const result = await runApply(pushArgs(configWith([serverA, serverB]), 1));

      // Assess: it waited for the holder, then applied
      expect(result.code, result.stderr).toBe(0);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    });

    it('refuses a state directory that is a symlink', async () => {
      const real = join(dir, 'elsewhere');
      mkdirSync(real, { mode: 0o755 });
      symlinkSync(real, stateDir);
      expectRefusedUnchanged(await runApply(pushArgs(configWith([serverA, serverB]), 1)), /^apply-config: state directory .* is a symlink;/m);
      expect(readdirSync(real)).toEqual([]);
    });

    it('refuses a state directory writable by its group or by others', async () => {
      mkdirSync(stateDir);
      chmodSync(stateDir, 0o777);
      expectRefusedUnchanged(
        await runApply(pushArgs(configWith([serverA, serverB]), 1)),
        /^apply-config: state directory .* is writable by its group or by others \(mode 777\);/m,
      );
      chmodSync(stateDir, 0o775);
      expectRefusedUnchanged(await runApply(pushArgs(configWith([serverA, serverB]), 1)), /\(mode 775\)/);
    });

    it('refuses a state file that is a symlink (it would be read through it)', async () => {
      mkdirSync(stateDir, { mode: 0o755 });
      symlinkSync(victim(), join(stateDir, 'applied'));
      expectRefusedUnchanged(await runApply(pushArgs(configWith([serverA, serverB]), 1)), /^apply-config: state file .* is a symlink or not a regular file;/m);
    });

    it.runIf(process.getuid?.() === 0)('refuses a state directory inside a directory another user owns (it could swap ours for a symlink)', async () => {
      const theirs = join(dir, 'theirs');
      mkdirSync(theirs, { mode: 0o755 });
      chownSync(theirs, 65534, 65534);
      const inside = join(theirs, 'state');
      expectRefusedUnchanged(
        await runApply(pushArgs(configWith([serverA, serverB]), 1, { extra: ['--state-dir', inside] })),
        /^apply-config: a directory above the state directory .*theirs is owned by uid 65534/m,
      );
    });

    it('refuses a state directory below a directory writable by others without the sticky bit', async () => {
      const open = join(dir, 'open');
      mkdirSync(open);
      chmodSync(open, 0o777);
      expectRefusedUnchanged(
        await runApply(pushArgs(configWith([serverA, serverB]), 1, { extra: ['--state-dir', join(open, 'state')] })),
        /^apply-config: a directory above the state directory .*open is writable by its group or by others \(mode 777\)/m,
      );
    });

    it('refuses a configuration directory writable by others', async () => {
      chmodSync(etc, 0o777);
      try {
        expectRefusedUnchanged(
          await runApply(pushArgs(configWith([serverA, serverB]), 1)),
          /^apply-config: configuration directory .*etc is writable by its group or by others \(mode 777\)/m,
        );
      } finally {
        chmodSync(etc, 0o755);
      }
    });

    it.runIf(process.getuid?.() === 0)('refuses a state directory owned by another user (as root)', async () => {
      mkdirSync(stateDir, { mode: 0o755 });
      chownSync(stateDir, 65534, 65534);
      expectRefusedUnchanged(
        await runApply(pushArgs(configWith([serverA, serverB]), 1)),
        /^apply-config: state directory .* is owned by uid 65534, not by root/m,
      );
    });
  });
});
