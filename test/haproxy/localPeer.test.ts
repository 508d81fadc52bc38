/**
 * The apply script's report of the running HAProxy master's local peer name (the
 * `hfc-local-peer:` line, lib/haproxy/apply-config.sh, report_local_peer) against a live HAProxy
 * started in each of the ways a node can be: with `-L <peer>`, without it, with another name,
 * with HAProxy's odd `-Lx <peer>` form, and named by a `localpeer` line. Each verdict is held to
 * HAProxy's own view (the master CLI's `show peers` lists the section with its local peer only
 * when the name is found), and the report never changes what is applied or the exit code.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseLocalPeerReport } from '../../lib/haproxy/localPeer';
import { needsHaproxy } from './binary';
import {
  applyArgs,
  encodeConfig,
  freePort,
  type LiveHaproxy,
  masterCli,
  type NamedServer,
  renderTestConfig,
  runApply,
  startHaproxy,
  startNamedServer,
} from './live';

const PEER = 'i-0123456789abcdef0';
const RUN = needsHaproxy('test/haproxy/localPeer.test.ts');

/** The host name as the script prints it (what HAProxy takes without -L). */
const HOST =
  hostname()
    .replace(/[^A-Za-z0-9._-]/g, '?')
    .slice(0, 64) || '?';

describe.runIf(RUN)('apply-config.sh reports the local peer name the running HAProxy master uses', () => {
  let server: NamedServer;
  let dir: string;
  let haproxy: LiveHaproxy | undefined;

  beforeAll(async () => {
    server = await startNamedServer('A');
  });
  afterAll(async () => {
    await server?.close();
  });
  afterEach(async () => {
    await haproxy?.stop();
    haproxy = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  /**
   * Starts HAProxy on a file whose `peers` section names PEER (as the rendered file names each
   * node by instance id), `start` choosing how the master is told (or not) its name; pushes a
   * new file with --peer-name PEER, then the same one again (the already-applied path).
   */
  async function pushTo(start: { peerName?: string; argsBefore?: (dir: string) => string[] }) {
    dir = mkdtempSync(join(tmpdir(), 'local-peer-'));
    const etc = join(dir, 'etc');
    mkdirSync(etc);
    const config = join(etc, 'haproxy.cfg');
    const pidFile = join(dir, 'haproxy.pid');
    const masterSocket = join(dir, 'master.sock');
    let text = '';
    for (let attempt = 1; ; attempt++) {
      const frontendPort = await freePort();
      const peerPort = await freePort();
      const file = (servers: number) =>
        renderTestConfig({
          frontendPort,
          peerPort,
          peerName: PEER,
          servers: Array.from({ length: servers }, (_, i) => ({ name: `s${i}`, port: server.port })),
        });
      writeFileSync(config, file(1));
      text = file(2);
      try {
        haproxy = await startHaproxy({
          config,
          pidFile,
          frontendPort,
          masterSocket,
          ...(start.peerName !== undefined ? { peerName: start.peerName } : {}),
          ...(start.argsBefore ? { argsBefore: start.argsBefore(dir) } : {}),
        });
        break;
      } catch (e) {
        if (attempt >= 3) throw e;
      }
    }
    const { payload, digest } = encodeConfig(text);
    const args = (version: number, pid = pidFile) =>
      applyArgs({
        payload,
        digest,
        version,
        peerName: PEER,
        config,
        stateDir: join(dir, 'state'),
        reloadCmd: `kill -USR2 ${haproxy!.masterPid}`,
        pidFile: pid,
        masterSocket,
      });
    const workers = haproxy!.workers();
    const applied = await runApply(args(1));
    const reloaded = haproxy!.workers().some((w) => !workers.includes(w));
    const again = await runApply(args(2));
    // HAProxy's own view: the peers section with its local peer, or nothing when it dropped it.
    const local = /id=(\S+)\(local,/.exec(await masterCli(masterSocket, '@1 show peers'))?.[1];
    return { applied, again, reloaded, local, installed: readFileSync(config, 'utf8') === text, args, digest };
  }

  /** The report: the last line of stdout, after the success line. */
  const report = (stdout: string) => {
    const lines = stdout.split('\n');
    expect(lines.at(-1), 'stdout ends with a newline').toBe('');
    expect(
      lines.filter((l) => l.startsWith('hfc-local-peer: ')),
      'exactly one report line',
    ).toHaveLength(1);
    // What the script prints is what doctor's reader understands (no drift between the two).
    const read = parseLocalPeerReport(stdout);
    expect(read?.verdict === 'unknown' && read.reason.startsWith('report not understood'), String(lines.at(-2))).toBe(false);
    return lines.at(-2);
  };

  it('-L <its instance id>: ok, source -L, on every path that exits 0; HAProxy agrees', async () => {
    const r = await pushTo({ peerName: PEER });
    expect(r.applied.code, r.applied.stderr).toBe(0);
    expect(r.applied.stdout).toBe(`applied version 1 digest ${r.digest}\nhfc-local-peer: ok running=${PEER} source=-L\n`);
    expect(r.again.stdout).toBe(
      `already applied version 2 digest ${r.digest} (recorded version 1 had the same digest; version 2 recorded, nothing reloaded)\nhfc-local-peer: ok running=${PEER} source=-L\n`,
    );
    expect(r.local).toBe(PEER);
  });

  it('no -L: mismatch, naming the host name HAProxy took instead; the push still applies (a report, never a failure); HAProxy dropped its peers section', async () => {
    const r = await pushTo({});
    expect(r.applied.code, r.applied.stderr).toBe(0);
    expect([r.reloaded, r.installed]).toEqual([true, true]);
    expect(report(r.applied.stdout)).toBe(`hfc-local-peer: mismatch running=${HOST} expected=${PEER} source=hostname`);
    expect(report(r.again.stdout)).toBe(`hfc-local-peer: mismatch running=${HOST} expected=${PEER} source=hostname`);
    expect(r.again.code).toBe(0);
    expect(r.local).toBeUndefined();
  });

  it('-L with another name: mismatch, source -L; HAProxy dropped its peers section', async () => {
    const r = await pushTo({ peerName: 'i-0fffffffffffffff0' });
    expect(r.applied.code, r.applied.stderr).toBe(0);
    expect(report(r.applied.stdout)).toBe(`hfc-local-peer: mismatch running=i-0fffffffffffffff0 expected=${PEER} source=-L`);
    expect(r.local).toBeUndefined();
  });

  it('-Lx <id>: HAProxy takes the next argument as the name, and so does the report', async () => {
    const r = await pushTo({ argsBefore: () => ['-Lignored', PEER] });
    expect(report(r.applied.stdout)).toBe(`hfc-local-peer: ok running=${PEER} source=-L`);
    expect(r.local).toBe(PEER);
  });

  it('no -L, a `localpeer` line in a file loaded before the peers section: ok, source localpeer; HAProxy agrees', async () => {
    const r = await pushTo({
      argsBefore: (d) => {
        writeFileSync(join(d, 'first.cfg'), `global\n    localpeer "${PEER}"\n`);
        return ['-f', join(d, 'first.cfg')];
      },
    });
    expect(report(r.applied.stdout)).toBe(`hfc-local-peer: ok running=${PEER} source=localpeer`);
    expect(r.local).toBe(PEER);
  });

  it('no master process to read (the already-applied path does not need one): unknown, exit 0', async () => {
    const r = await pushTo({ peerName: PEER });
    const missing = join(dir, 'missing.pid');
    const out = await runApply(r.args(3, missing));
    expect(out.code, out.stderr).toBe(0);
    expect(report(out.stdout)).toBe(`hfc-local-peer: unknown no HAProxy master process (pid file ${missing})`);
  });
});

/**
 * The command line as HAProxy's own option parser reads it, without HAProxy: a stand-in master
 * (sh, its argv set by perl) whose arguments are the case's, pushed the configuration the node
 * already runs (the already-applied path, which needs no HAProxy and exits 0).
 */
describe.runIf(process.platform === 'linux')("the report reads the master's arguments as HAProxy does (a stand-in master process)", () => {
  let dir: string;
  const masters: { kill(): void }[] = [];
  afterEach(() => {
    for (const m of masters.splice(0)) m.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  async function reportFor(args: (dir: string) => string[], files: Record<string, string> = {}, argv0 = 'haproxy') {
    dir = mkdtempSync(join(tmpdir(), 'local-peer-args-'));
    for (const [name, text] of Object.entries(files)) {
      if (text === '/') mkdirSync(join(dir, name));
      else writeFileSync(join(dir, name), text);
    }
    const etc = join(dir, 'etc');
    const state = join(dir, 'state');
    mkdirSync(etc);
    mkdirSync(state);
    const text = 'global\n    maxconn 100\n';
    const digest = createHash('sha256').update(text).digest('hex');
    writeFileSync(join(etc, 'haproxy.cfg'), text);
    writeFileSync(join(state, 'applied'), `version=1\ndigest=${digest}\n`);
    // argv[0] "haproxy", then the case's arguments (sh takes `-c <script>` and keeps the rest as $0...).
    const master = spawn('perl', ['-e', 'exec { "/bin/sh" } @ARGV', argv0, '-c', 'sleep 30', ...args(dir)], { cwd: dir, stdio: 'ignore' });
    masters.push(master);
    writeFileSync(join(dir, 'haproxy.pid'), `${master.pid}\n`);
    // exec replaces perl's command line: wait until /proc shows the stand-in's.
    for (let i = 0; i < 100 && !readFileSync(`/proc/${master.pid}/cmdline`, 'utf8').startsWith(`${argv0}\0`); i++) await new Promise((r) => setTimeout(r, 10));
    const out = await runApply([
      '--payload',
      encodeConfig(text).payload,
      '--digest',
      digest,
      '--version',
      '1',
      '--peer-name',
      PEER,
      '--config',
      join(etc, 'haproxy.cfg'),
      '--state-dir',
      state,
      '--haproxy',
      'true',
      '--pidfile',
      join(dir, 'haproxy.pid'),
    ]);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout.split('\n')[0]).toBe(`already applied version 1 digest ${digest}`);
    return out.stdout.split('\n')[1];
  }

  it.each<[string, (d: string) => string[], Record<string, string>, string]>([
    ['-L <id>', () => ['-W', '-L', PEER], {}, `ok running=${PEER} source=-L`],
    ['the last -L', () => ['-L', 'i-0aaaaaaaaaaaaaaa0', '-L', PEER], {}, `ok running=${PEER} source=-L`],
    ['-Lx <id>: the next argument', () => ['-Lx', PEER], {}, `ok running=${PEER} source=-L`],
    [
      'options that take values, pids after -sf, before -L',
      (d) => ['-Ws', '-f', join(d, 'a.cfg'), '-p', '/run/x.pid', '-S', '/run/m.sock,mode,600', '-sf', '123', '456', '-x', '/run/s', '-m', '100', '-L', PEER],
      { 'a.cfg': 'global\n' },
      `ok running=${PEER} source=-L`,
    ],
    ['a word no option takes (-dt h2 in HAProxy 3) does not swallow -L', () => ['-W', '-dt', 'h2', '-L', PEER], {}, `ok running=${PEER} source=-L`],
    ['a value that looks like -L is a value', () => ['-p', '-L', 'x'], {}, `mismatch running=${HOST} expected=${PEER} source=hostname`],
    [
      "localpeer, relative -f from the master's directory",
      () => ['-W', '-f', 'a.cfg'],
      { 'a.cfg': `global\n  localpeer ${PEER}\n` },
      `ok running=${PEER} source=localpeer`,
    ],
    [
      'files after --, the last localpeer before the first peers section',
      (d) => ['-W', '--', join(d, 'a.cfg'), join(d, 'b.cfg')],
      { 'a.cfg': 'global\n  localpeer one\n', 'b.cfg': `global\n  localpeer ${PEER}\npeers fleet\n  peer x 127.0.0.1:1\nglobal\n  localpeer late\n` },
      `ok running=${PEER} source=localpeer`,
    ],
    [
      'localpeer after a peers section: ignored',
      (d) => ['-f', join(d, 'a.cfg')],
      { 'a.cfg': `peers fleet\nglobal\n  localpeer ${PEER}\n` },
      `mismatch running=${HOST} expected=${PEER} source=hostname`,
    ],
    [
      '-L wins over localpeer',
      (d) => ['-f', join(d, 'a.cfg'), '-L', 'lb one'],
      { 'a.cfg': `global\n  localpeer ${PEER}\n` },
      `mismatch running=lb?one expected=${PEER} source=-L`,
    ],
    ['no -L, no localpeer: the host name', () => ['-W'], {}, `mismatch running=${HOST} expected=${PEER} source=hostname`],
    ['a -f file that cannot be read', (d) => ['-f', join(d, 'missing.cfg')], {}, 'unknown cannot read /proc/'],
    // As HAProxy loads a directory (the Red Hat unit passes -f /etc/haproxy/conf.d): its *.cfg in lexical order, hidden ones left out.
    [
      '-f a directory',
      (d) => ['-f', join(d, 'conf.d')],
      {
        'conf.d': '/',
        'conf.d/a.cfg': 'global\n  localpeer one\n',
        'conf.d/b.cfg': `global\n  localpeer ${PEER}\n`,
        'conf.d/.c.cfg': 'global\n  localpeer hidden\n',
        'conf.d/d.txt': 'global\n  localpeer txt\n',
      },
      `ok running=${PEER} source=localpeer`,
    ],
    [
      'a localpeer that is not a plain name (a variable): unknown, never guessed',
      () => ['-f', 'a.cfg'],
      { 'a.cfg': 'global\n  localpeer "${IID}"\n' },
      'unknown a localpeer line that is not a plain name',
    ],
    [
      'a localpeer line with CRLF and a comment',
      () => ['-f', 'a.cfg'],
      { 'a.cfg': `global\r\n  localpeer ${PEER} # set by cloud-init\r\n` },
      `ok running=${PEER} source=localpeer`,
    ],
  ])('%s', async (_, args, files, want) => {
    const line = await reportFor(args, files);
    if (want.startsWith('unknown cannot')) expect(line).toMatch(new RegExp(`^hfc-local-peer: ${want}\\d+/cmdline or a file the master loads$`));
    else expect(line).toBe(`hfc-local-peer: ${want}`);
  });

  it('a pid file naming a process that is not haproxy (a stale pid reused): unknown, none of its files read', async () => {
    const line = await reportFor(() => ['-f', 'a.cfg'], { 'a.cfg': `global\n  localpeer ${PEER}\n` }, 'sleeper');
    expect(line).toMatch(/^hfc-local-peer: unknown cannot read \/proc\/\d+\/cmdline or a file the master loads$/);
  });
});
