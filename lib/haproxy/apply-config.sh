#!/usr/bin/env bash
# apply-config.sh: applies a new HAProxy configuration on a load-balancer node, safely.
#
# Run on the node by the control plane's SSM Run Command document. The control plane renders the
# configuration, gzips and base64-encodes it (to fit SSM's 64 KB document limit) and sends it with
# its sha256 digest and a version that increases monotonically per fleet.
#
# Usage:
#   apply-config.sh --payload <base64(gzip(config))> --digest <sha256 hex of config>
#                   --version <positive integer> --peer-name <local peer name>
#                   [--config /etc/haproxy/haproxy.cfg] [--state-dir /var/lib/haproxy-fleet-control]
#                   [--reload-cmd "systemctl reload haproxy"] [--haproxy haproxy]
#                   [--pidfile /run/haproxy.pid] [--reload-timeout 15]
#                   [--master-socket /run/haproxy-master.sock]
#
#   --pidfile         holds the pid of HAProxy's master process (master-worker mode, `-W`/`-Ws`, as
#                     the distributions' systemd units run it, with `-p /run/haproxy.pid`). Its
#                     children are the workers: a reload is verified by a new worker appearing.
#   --reload-timeout  seconds to wait after the reload command for that new worker (1-999).
#   --master-socket   HAProxy's master CLI (`-S <path>`; Debian's unit starts HAProxy with
#                     /run/haproxy-master.sock). Through it the script changes servers at run
#                     time and reads what HAProxy is running; without it every change reloads.
#
# Two ways to apply (docs/haproxy.md, "Runtime changes"):
#   run time  when the new file differs from the running one only in `server` lines of backends
#             (servers added, removed, re-addressed, re-weighted) and HAProxy runs exactly the
#             file on disk: the changes are made through the Runtime API (`add server`,
#             `set server ... addr|weight`, `set server ... state maint` + `del server`), then the
#             file is installed. No reload: established connections are not touched (a reload
#             hands them to an old worker, which `hard-stop-after` ends).
#   reload    anything else (global, defaults, peers, frontends, backends added or removed, a
#             server's options), or when a runtime command fails part-way: the validated file is
#             installed and HAProxy reloaded, which makes the node consistent with the file
#             whatever the runtime step had done.
# Either way the server state (health, weights, addresses) is written to the `server-state-file`
# the configuration names, when that is <state-dir>/server-state, filtered to what the new file
# says, so a later reload or restart comes up as the node runs now.
#
# Why the verification: with master-worker HAProxy, `kill -USR2 <master>` and `systemctl reload
# haproxy` return 0 before the new configuration is loaded. One that then fails to load (a port
# already in use: "cannot bind socket ... Loading failure!" in HAProxy's log) leaves the old
# workers running and starts no new one; only the missing new worker shows it here.
#
# Exit codes (the control plane logs stderr and retries on the next reconcile):
#   0  applied (reloaded, and HAProxy started new workers), or already applied: the configuration
#      file on disk and the recorded state both have this digest, so nothing is reloaded. Then a
#      higher --version is recorded (older pushes are refused later) and a lower one is accepted
#      as is (the node runs exactly this configuration). Idempotent: SSM and the control plane may
#      deliver the same push twice.
#   1  usage or environment error (bad argument, unreadable state, cannot write next to the
#      config, no HAProxy master process found through --pidfile)
#   2  payload corrupt: it does not decode, decompresses to more than 4 MiB, or its sha256 is not
#      --digest
#   3  refused: a newer version is applied, or this version with another digest (pushes can
#      arrive out of order)
#   4  the new configuration fails `haproxy -c` (warnings count as errors)
#   5  the reload failed (the command failed, or HAProxy started no new worker in time: the reason
#      is in HAProxy's log); the previous configuration file was restored and reloaded
#   6  not ready: haproxy is not installed yet, or the config directory does not exist (a booting
#      load balancer); the message starts with "apply-config: not ready:"
# On every failure the configuration file on disk is the old one and the old configuration keeps
# running, and the state never records a configuration HAProxy did not load. Only the final
# success line goes to stdout; everything else goes to stderr, so the control plane can tell the
# result from the diagnostics in GetCommandInvocation.
set -euo pipefail
umask 022

readonly PROG="apply-config"

# Messages for the humans reading SSM command output: always on stderr, always prefixed.
say() { printf '%s: %s\n' "$PROG" "$*" >&2; }
fail() {
  local code="$1"
  shift
  say "$*"
  exit "$code"
}
usage() { fail 1 "usage error: $*; nothing was changed, the old configuration keeps running"; }

payload=""
digest=""
version=""
peer_name=""
config="/etc/haproxy/haproxy.cfg"
state_dir="/var/lib/haproxy-fleet-control"
reload_cmd="systemctl reload haproxy"
haproxy_bin="haproxy"
pidfile="/run/haproxy.pid"
reload_timeout=15
master_socket="/run/haproxy-master.sock"
# A gzip bomb must not fill the disk next to the configuration: decompress at most this much.
readonly MAX_BYTES=$((4 * 1024 * 1024))

while (($# > 0)); do
  # Every option takes a value; a missing one is a usage error rather than an unbound-variable crash.
  (($# >= 2)) || usage "option $1 needs a value"
  case "$1" in
    --payload) payload="$2" ;;
    --digest) digest="$2" ;;
    --version) version="$2" ;;
    --peer-name) peer_name="$2" ;;
    --config) config="$2" ;;
    --state-dir) state_dir="$2" ;;
    --reload-cmd) reload_cmd="$2" ;;
    --haproxy) haproxy_bin="$2" ;;
    --pidfile) pidfile="$2" ;;
    --reload-timeout) reload_timeout="$2" ;;
    --master-socket) master_socket="$2" ;;
    *) usage "unknown option $1" ;;
  esac
  shift 2
done

[[ -n "$payload" ]] || usage "--payload is required"
# Lower-case so a digest written in upper case by some other tool still compares equal.
digest="${digest,,}"
[[ "$digest" =~ ^[0-9a-f]{64}$ ]] || usage "--digest must be 64 hex characters (sha256)"
# At most 18 digits so bash's 64-bit arithmetic can never overflow when comparing versions.
[[ "$version" =~ ^[1-9][0-9]{0,17}$ ]] || usage "--version must be a positive integer"
# The peer name reaches haproxy's command line: a leading '-' or odd characters must not become an
# option or break the peers section lookup.
[[ "$peer_name" =~ ^[A-Za-z0-9_][A-Za-z0-9._-]*$ ]] || usage "--peer-name must match [A-Za-z0-9_][A-Za-z0-9._-]*"
[[ -n "$config" && "$config" != */ ]] || usage "--config must be a file path"
[[ -n "$reload_cmd" ]] || usage "--reload-cmd must not be empty"
[[ -n "$pidfile" ]] || usage "--pidfile must not be empty"
[[ "$reload_timeout" =~ ^[1-9][0-9]{0,2}$ ]] || usage "--reload-timeout must be a number of seconds from 1 to 999"

config_dir="$(dirname -- "$config")"
# A load balancer that is still booting has no haproxy (or no /etc/haproxy) yet: not a failure, the
# control plane pushes again on its next run.
command -v "$haproxy_bin" >/dev/null 2>&1 ||
  fail 6 "not ready: haproxy binary '$haproxy_bin' not found (not installed yet?); nothing was changed"
[[ -d "$config_dir" ]] || fail 6 "not ready: config directory $config_dir does not exist (haproxy not installed yet?); nothing was changed"
config_base="$(basename -- "$config")"
state_file="$state_dir/applied"
prev="$config.prev"

# Temp files are listed here and removed on every exit path, success or failure, so a refused or
# failed push never leaves half-written files next to the live configuration.
tmp_new=""
tmp_prev=""
tmp_restore=""
tmp_state=""
tmp_check=""
tmp_servers=""
cleanup() {
  local f
  for f in "$tmp_new" "$tmp_prev" "$tmp_restore" "$tmp_state" "$tmp_check" "$tmp_servers"; do
    if [[ -n "$f" ]]; then rm -f -- "$f"; fi
  done
}
trap cleanup EXIT
# Turn signals into a normal exit so the EXIT trap runs (SSM cancels commands with SIGTERM).
trap 'exit 130' INT
trap 'exit 143' TERM

# The state directory decides what is applied (the recorded version refuses older pushes) and is
# what the lock is taken on. This script runs as root: a directory that another user owns or may
# write to would let that user plant a symlink in it and have root write through it, or forge the
# recorded version. So it must be a real directory (not a symlink), owned by root or by the user
# running the script, and writable by nobody else; nothing in it is ever opened through a symlink.
# The same holds for every directory above it, and for the configuration directory and the
# directories above that: whoever may rename entries in one of them could swap our directory for
# a symlink between these checks and the writes. A directory writable by others with the sticky
# bit (/tmp) is fine above us: others cannot rename what is not theirs.
me="$(id -u)"
# trusted_dir DIR WHAT ALLOW_STICKY: fails (exit 1) unless DIR is owned by root or by us and not
# writable by its group or others (with ALLOW_STICKY=1, sticky world-writable is accepted).
trusted_dir() {
  local owner mode
  owner="$(stat -c '%u' -- "$1" 2>/dev/null)" && mode="$(stat -c '%a' -- "$1" 2>/dev/null)" ||
    fail 1 "$2 $1 cannot be inspected; nothing was changed, the old configuration keeps running"
  if [[ "$owner" != 0 && "$owner" != "$me" ]]; then
    fail 1 "$2 $1 is owned by uid $owner, not by root or by the user running this script (uid $me); nothing was changed, the old configuration keeps running"
  fi
  if (((8#$mode & 8#022) != 0)) && ! (($3 == 1 && (8#$mode & 8#1000) != 0)); then
    fail 1 "$2 $1 is writable by its group or by others (mode $mode); nothing was changed, the old configuration keeps running"
  fi
}
# trusted_ancestors DIR WHAT: every directory above DIR, symlinks resolved, up to /.
trusted_ancestors() {
  local p
  p="$(cd -P -- "$(dirname -- "$1")" 2>/dev/null && pwd)" || fail 1 "$2 $1: its parent cannot be resolved; nothing was changed, the old configuration keeps running"
  while :; do
    trusted_dir "$p" "a directory above the $2" 1
    [[ "$p" == / ]] && break
    p="$(dirname -- "$p")"
  done
}
trusted_ancestors "$config_dir" "configuration directory"
trusted_dir "$config_dir" "configuration directory" 0
refuse_state() { fail 1 "state directory $state_dir $1; nothing was changed, the old configuration keeps running (fix it, or remove it to have it created again)"; }
mkdir -p -m 0755 -- "$state_dir" 2>/dev/null || [[ -L "$state_dir" ]] ||
  fail 1 "cannot create state directory $state_dir; nothing was changed, the old configuration keeps running"
if [[ -L "$state_dir" ]]; then refuse_state "is a symlink"; fi
trusted_ancestors "$state_dir" "state directory"
[[ -d "$state_dir" ]] || refuse_state "is not a directory"
state_owner="$(stat -c '%u' -- "$state_dir")" && state_mode="$(stat -c '%a' -- "$state_dir")" || refuse_state "cannot be inspected"
if [[ "$state_owner" != 0 && "$state_owner" != "$me" ]]; then
  refuse_state "is owned by uid $state_owner, not by root or by the user running this script (uid $me)"
fi
if (((8#$state_mode & 8#022) != 0)); then refuse_state "is writable by its group or by others (mode $state_mode)"; fi
if [[ -L "$state_file" ]] || { [[ -e "$state_file" ]] && [[ ! -f "$state_file" ]]; }; then
  fail 1 "state file $state_file is a symlink or not a regular file; nothing was changed, the old configuration keeps running (remove it to accept the next push)"
fi

# Two pushes can reach the node at once (a retry racing a newer reconcile): the version check,
# validation, swap and reload must happen as one critical section, or an older push could win.
# The lock is taken on the state directory itself, opened read-only: there is no lock file that
# could be swapped for a symlink and truncate whatever it points to.
exec 9<"$state_dir" || fail 1 "cannot open state directory $state_dir for its lock; nothing was changed, the old configuration keeps running"
flock -w 120 9 || fail 1 "another apply is still running after 120 s; nothing was changed, the old configuration keeps running"

# --- 1. Decode the payload next to the target, so the final rename stays on one filesystem. ---
tmp_new="$(mktemp -- "$config_dir/.$config_base.new.XXXXXX")" ||
  fail 1 "cannot create a temporary file in $config_dir; nothing was changed, the old configuration keeps running"
# One byte more than the cap is enough to tell that the payload is too big (head then closes the
# pipe, so gunzip fails: the size is checked first).
decoded=1
printf '%s' "$payload" | base64 -d 2>/dev/null | gunzip -c 2>/dev/null | head -c "$((MAX_BYTES + 1))" >"$tmp_new" || decoded=0
if (($(wc -c <"$tmp_new") > MAX_BYTES)); then
  fail 2 "payload corrupt: it decompresses to more than $MAX_BYTES bytes (4 MiB); nothing was changed, the old configuration keeps running"
fi
((decoded)) || fail 2 "payload corrupt: it is not base64 of gzip data; nothing was changed, the old configuration keeps running"
actual_digest="$(sha256sum -- "$tmp_new" | cut -d' ' -f1)"
if [[ "$actual_digest" != "$digest" ]]; then
  fail 2 "payload corrupt: sha256 is $actual_digest, expected $digest; nothing was changed, the old configuration keeps running"
fi

# --- 2. Compare with what this node has applied. ---
applied_version=0
applied_digest=""
if [[ -e "$state_file" ]]; then
  # Parsed, never sourced: the state file must not be able to run code.
  while IFS='=' read -r key value; do
    case "$key" in
      version) applied_version="$value" ;;
      digest) applied_digest="$value" ;;
    esac
  done <"$state_file"
  if ! [[ "$applied_version" =~ ^(0|[1-9][0-9]{0,17})$ && "$applied_digest" =~ ^[0-9a-f]{64}$ ]]; then
    fail 1 "state file $state_file is unreadable or malformed; nothing was changed, the old configuration keeps running (remove it to accept the next push)"
  fi
fi

# Writes the state: version and digest in one file, one rename (never half of it).
record() {
  tmp_state="$(mktemp -- "$state_dir/.applied.XXXXXX")" &&
    printf 'version=%s\ndigest=%s\n' "$1" "$digest" >"$tmp_state" &&
    chmod 0644 -- "$tmp_state" && mv -f -- "$tmp_state" "$state_file" && tmp_state=""
}

# report_local_peer: one line on stdout, `hfc-local-peer: ...`, on every exit 0 (after the success
# line): the local peer name the running HAProxy takes as its own in `peers` sections, against
# --peer-name (docs/haproxy.md, "The local peer name"). A master started without -L names itself
# after the host: the rendered file names every node by instance id, so HAProxy drops its `peers`
# section with only a warning and stick tables stop syncing, while the check above, which passes
# -L itself, accepts the file. A report only (`hfc doctor` reads it): it changes nothing and never
# fails the script. The name is what HAProxy's own option parser takes from the master's command
# line (/proc/<pid>/cmdline, the pid from --pidfile; a reload re-executes the master with the same
# arguments): the argument after the last `-L` (HAProxy reads `-Lx y` as `-L y`); without one,
# the last `localpeer` line before the first `peers` section of the files it loads (`-f`, and
# everything after `--`; HAProxy ignores one after a `peers` section or after -L, and refuses one
# outside `global`); else the host name. One of:
#   ok running=<name> source=<-L|localpeer|hostname>
#   mismatch running=<name> expected=<--peer-name> source=<-L|localpeer|hostname>
#   unknown <why>   (no master process, its command line or a file it loads unreadable: a
#                   directory given to -f counts as unreadable)
# <name> is cut to 64 characters, every character but [A-Za-z0-9._-] printed `?`, `?` when empty.
report_local_peer() {
  local m="" a="" f g n="" s="" l="unknown no HAProxy master process (pid file $pidfile)"
  local -a fs=()
  { read -r m <"$pidfile"; } 2>/dev/null || :
  # Only a master of this user (root's, on a node) named haproxy: a stale pid reused by another
  # user's process must not make root open the files it names. Every read is bounded (timeout) and
  # none keeps the lock (9>&-).
  if [[ "$m" =~ ^[1-9][0-9]*$ && -O "/proc/$m" ]]; then
    # One argument per line. t: what the next one is to HAProxy (1 a value to skip, 2 the pids
    # after -sf/-st, 3 the local peer name, 4 a configuration file); e: after `--`, only files.
    # Any other word is taken by the option before it (-dt's optional value, in HAProxy 3). Relative
    # paths are HAProxy's: from the master's working directory. Out: `L<name>`, or `H` then `F<file>`
    # lines; nothing when argv[0] is not haproxy.
    a="$(timeout 5 tr '\0' '\n' <"/proc/$m/cmdline" 2>/dev/null 9>&- | timeout 5 awk -v c="/proc/$m/cwd/" '
      NR == 1 { if ($0 !~ /haproxy[^\/]*$/) { b = 1; exit } next }
      t == 1 { t = 0; next }
      e || t == 4 { f[++n] = $0 ~ /^\// ? $0 : c $0; t = 0; next }
      t == 3 { v = $0; s = 1; t = 0; next }
      t == 2 && !/^-/ { next }
      /^--$/ { e = 1; next }
      { t = !/^-/ ? 0 : /^-s[ft]/ ? 2 : /^-(x|S|cc)/ ? 1 : /^-[vdVcDWq]/ ? 0 : /^-L/ ? 3 : /^-f/ ? 4 : 1 }
      END { if (b || !NR) exit; if (s) print "L" v; else { print "H"; for (i = 1; i <= n; i++) print "F" f[i] } }' 2>/dev/null 9>&-)" || a=""
    if [[ "$a" == L* ]]; then
      n="${a#L}" s="-L"
    elif [[ "$a" == H* ]]; then
      # The files as HAProxy loads them: a directory's *.cfg in lexical order, hidden ones left out.
      while IFS= read -r f; do
        [[ "$f" == F* ]] || continue
        f="${f#F}"
        if [[ -d "$f" ]]; then
          for g in "$f"/*.cfg; do [[ -f "$g" ]] && fs+=("$g"); done
        elif [[ -f "$f" && -r "$f" ]]; then fs+=("$f")
        else a="" && break
        fi
      done <<<"$a"
      # The last `localpeer` before the first `peers` section; one that is not a plain word
      # (quotes, a variable, a comment) is not read here: reported unknown, never guessed.
      if [[ -z "$a" ]]; then :
      elif ((${#fs[@]} == 0)); then a="H"
      else a="$(timeout 5 cat -- "${fs[@]}" 2>/dev/null 9>&- | timeout 5 awk '
        { sub(/\r$/, ""); split($0, w) }
        w[1] == "peers" { P = 1 }
        w[1] == "localpeer" && !P { v = w[2]; k = 1; sub(/^"/, "", v); sub(/"$/, "", v); u = v !~ /^[A-Za-z0-9._-]+$/ || (w[3] != "" && w[3] !~ /^#/) }
        END { print k ? (u ? "U" : "P" v) : "H" }' 2>/dev/null 9>&-)" || a=""
      fi
      if [[ "$a" == P* ]]; then n="${a#P}" s="localpeer"
      elif [[ "$a" == H ]]; then n="$HOSTNAME" s="hostname"
      elif [[ "$a" == U ]]; then l="unknown a localpeer line that is not a plain name"
      fi
    fi
    if [[ -n "$s" ]]; then
      g="$(printf '%.64s' "$n" | tr -c 'A-Za-z0-9._-' '?')"
      [[ -n "$g" ]] || g="?"
      if [[ "$n" == "$peer_name" ]]; then l="ok running=$g source=$s"
      else l="mismatch running=$g expected=$peer_name source=$s"
      fi
    elif [[ "$l" == unknown\ no* ]]; then l="unknown cannot read /proc/$m/cmdline or a file the master loads"
    fi
  fi
  printf 'hfc-local-peer: %s\n' "$l"
}

# Digests first: when the file on disk and the state both have this digest, the node runs exactly
# this configuration, whatever version it came with. Nothing to reload (and .prev stays as it is).
on_disk=""
if [[ -f "$config" ]]; then on_disk="$(sha256sum -- "$config" | cut -d' ' -f1)"; fi
if [[ "$digest" == "$on_disk" && "$digest" == "$applied_digest" ]]; then
  if ((version > applied_version)); then
    # Recorded, so that a push older than this one is refused from now on.
    record "$version" ||
      fail 1 "version $version has the digest already applied (as version $applied_version), but recording version $version in $state_file failed; nothing was reloaded"
    printf 'already applied version %s digest %s (recorded version %s had the same digest; version %s recorded, nothing reloaded)\n' "$version" "$digest" "$applied_version" "$version"
  elif ((version < applied_version)); then
    printf 'already applied version %s digest %s (as version %s, which stays recorded; nothing reloaded)\n' "$version" "$digest" "$applied_version"
  else
    printf 'already applied version %s digest %s\n' "$version" "$digest"
  fi
  report_local_peer
  exit 0
fi

if ((version < applied_version)); then
  fail 3 "refusing version $version: version $applied_version is applied (pushes can arrive out of order); nothing was changed, the old configuration keeps running"
fi
if ((version == applied_version)); then
  if [[ "$digest" != "$applied_digest" ]]; then
    # Two different configurations under one version means the sender is confused; applying either
    # one would make the version number meaningless for the out-of-order check.
    fail 3 "refusing version $version with digest $digest: version $applied_version is applied with digest $applied_digest; nothing was changed, the old configuration keeps running"
  fi
  # Recorded as applied but the file was changed by hand since: put the pushed one back.
  say "version $version is recorded as applied but $config differs from it; applying it again"
fi

# --- 3. Validate. Warnings are errors: haproxy "fixes" some mistakes by dropping whole sections
# (a peers section without our local peer), which would silently break stick-table sync. ---
# -dW (zero-warning, HAProxy >= 2.3) aborts on warnings; the [WARNING] check is a second guard.
# fd 9 (the lock) is closed for every child so nothing it starts can hold the lock after we exit.
# It checks a copy without the server-state lines: that state is what HAProxy runs now, not
# configuration, and loading it warns about what an operator did at run time (a server left in
# drain), which -dW would refuse every push for.
tmp_check="$(mktemp -- "$config_dir/.$config_base.check.XXXXXX")" ||
  fail 1 "cannot create a temporary file in $config_dir; nothing was changed, the old configuration keeps running"
grep -Ev '^[[:space:]]*(server-state-file|load-server-state-from-file)[[:space:]]' -- "$tmp_new" >"$tmp_check" || true
if ! check_output="$("$haproxy_bin" -c -dW -f "$tmp_check" -L "$peer_name" 2>&1 9>&-)" ||
  [[ "$check_output" == *"[WARNING]"* ]]; then
  rm -f -- "$tmp_new"
  tmp_new=""
  say "the new configuration (version $version) failed 'haproxy -c' (warnings count as errors); it was not installed, the old configuration keeps running. haproxy said:"
  printf '%s\n' "$check_output" >&2
  exit 4
fi

# --- 4. Find HAProxy's master process: without it a reload cannot be verified, and the state
# must never claim a configuration HAProxy is not running. ---
# The worker processes: the children of the master named by the pid file, read again every time
# (a reload command that restarts HAProxy gives it a new master, whose children are all new).
# Builtins only (/proc/<pid>/stat, field 4 is the parent), as it runs every 0.1 s while waiting.
workers() {
  local m="" d s
  { read -r m <"$pidfile" || [[ -n "$m" ]]; } 2>/dev/null || return 0
  for d in /proc/[0-9]*/stat; do
    { read -r s <"$d"; } 2>/dev/null || continue
    # The command name (field 2) is in parentheses and may hold spaces: cut after the last ')'.
    # Then the state (Z: exited, not reaped yet: not a worker) and the parent.
    s="${s##*) }"
    if [[ "${s%% *}" == Z ]]; then continue; fi
    s="${s#* }"
    if [[ "${s%% *}" == "$m" ]]; then
      d="${d%/stat}"
      printf ' %s' "${d#/proc/}"
    fi
  done
  return 0
}
master=""
{ read -r master <"$pidfile" || [[ -n "$master" ]]; } 2>/dev/null || true
[[ "$master" =~ ^[1-9][0-9]*$ && -d "/proc/$master" ]] ||
  fail 1 "cannot find HAProxy's master process: pid file $pidfile is missing, unreadable or stale (is haproxy running, in master-worker mode?); a reload could not be verified, so nothing was changed"

# --- 5. Decide how to apply: at run time through the master CLI, or by a reload. ---
# cli CMD: sends one command to HAProxy's master CLI and prints its answer (`@1 CMD` goes to the
# current worker). The master answers once the client has closed its side, which needs a real
# socket client: perl (Debian's and Ubuntu's perl-base), else python3 (cloud-init's), else socat.
cli() {
  [[ -S "$master_socket" ]] || return 2
  if command -v perl >/dev/null 2>&1; then
    timeout 10 perl -MIO::Socket::UNIX -e '$s = IO::Socket::UNIX->new(Peer => $ARGV[0]) or exit 2; print $s "$ARGV[1]\n"; shutdown($s, 1); local $/; $r = <$s>; print $r if defined $r;' "$master_socket" "$1" 9>&-
  elif command -v python3 >/dev/null 2>&1; then
    timeout 10 python3 -c 'import socket, sys; s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.sendall((sys.argv[2] + "\n").encode()); s.shutdown(socket.SHUT_WR); sys.stdout.write(b"".join(iter(lambda: s.recv(65536), b"")).decode())' "$master_socket" "$1" 9>&-
  elif command -v socat >/dev/null 2>&1; then
    printf '%s\n' "$1" | timeout 10 socat -t 10 - "UNIX-CONNECT:$master_socket" 9>&-
  else
    return 3
  fi
}
# servers_of FILE: one line per `server` of a backend: backend/name, address, port, weight, and
# the server's other options, tab-separated (what a runtime change can and cannot touch).
servers_of() {
  awk '/^[^ \t#]/ { inb = ($1 == "backend"); be = $2; next }
    inb && $1 == "server" {
      w = 1; o = ""
      for (i = 4; i <= NF; i++) { if ($i == "weight" && i < NF) { w = $(i + 1); i++ } else o = o " " $i }
      n = split($3, a, ":"); p = a[n]; addr = substr($3, 1, length($3) - length(p) - 1)
      # An IPv6 address is written [addr]:port; HAProxy reports it bare.
      if (addr ~ /^\[.*\]$/) addr = substr(addr, 2, length(addr) - 2)
      printf "%s/%s\t%s\t%s\t%s\t%s\n", be, $2, addr, p, w, substr(o, 2)
    }' "$1" | LC_ALL=C sort
}
# structure_of FILE: everything but the servers of backends. Equal for two files: only servers differ.
structure_of() { awk '/^[^ \t#]/ { inb = ($1 == "backend") } !(inb && $1 == "server")' "$1"; }
# The server state HAProxy keeps (`show servers state`): be_name is field 2, srv_name 4, srv_addr
# 5, srv_uweight 8, srv_iweight 9, srv_port 19.
running_state() {
  local out
  out="$(cli "@1 show servers state")" || return 1
  [[ "$(head -n 1 <<<"$out")" == 1 ]] || return 1
  printf '%s\n' "$out"
}
# write_server_state FILE: the server state for the `server-state-file` FILE names, when that is
# ours ($state_dir/server-state; any other path is left alone: a pushed file must not make this
# script write elsewhere). From what HAProxy runs now (else the last file written), keeping only
# servers whose address, port and weight FILE says too: a state line would otherwise bring back
# an old address or weight on load. Best effort: without it HAProxy starts from the file alone.
write_server_state() {
  local target src tmp
  target="$(awk '$1 == "server-state-file" { print $2; exit }' "$1")"
  [[ "$target" == "$state_dir/server-state" ]] || return 0
  if [[ -L "$target" ]] || { [[ -e "$target" ]] && [[ ! -f "$target" ]]; }; then return 0; fi
  src="$(running_state)" || src="$(cat -- "$target" 2>/dev/null)" || src=""
  # Data goes to awk through files, never through -v: one argument is limited to 128 KiB, which a
  # few hundred servers exceed.
  if tmp="$(mktemp -- "$state_dir/.server-state.XXXXXX")" && {
    printf '1\n'
    printf '%s\n' "$src" | awk 'NR > 1 && /^# be_id/ { print; exit }'
    printf '%s\n' "$src" | awk '
      NR == FNR { split($0, f, "\t"); ok[f[1]] = f[2] " " f[3]; w[f[1]] = f[4]; next }
      FNR == 1 || /^#/ { next }
      { n = split($0, g, " "); k = g[2] "/" g[4]
        if (n < 19 || !(k in ok) || ok[k] != g[5] " " g[19] || w[k] != g[8]) next
        # srv_iweight := the file weight: HAProxy keeps the state weight only when they agree.
        g[9] = w[k]; line = g[1]; for (i = 2; i <= n; i++) line = line " " g[i]; print line }' <(servers_of "$1") -
  } >"$tmp" && chmod 0644 -- "$tmp" && mv -f -- "$tmp" "$target"; then
    return 0
  fi
  # A stale state file could bring back an old address or weight at the next start: none is
  # better (HAProxy then starts from the file alone).
  rm -f -- "$tmp" "$target"
  say "could not write the server state to $target; removed it, so a restart starts from $1 alone (health and operator drains are not carried)"
}
# rt CMD EXPECTED: one runtime command, whose answer must match the pattern EXPECTED (empty for most
# `set` commands).
rt_failed=""
rt() {
  local out
  if ! out="$(cli "@1 $1")"; then
    rt_failed="'$1': the master CLI at $master_socket did not answer"
    return 1
  fi
  out="$(printf '%s' "$out" | tr -d '\r' | sed -e '/^[[:space:]]*$/d')"
  # shellcheck disable=SC2053 # EXPECTED is a pattern
  if [[ "$out" != $2 ]]; then
    # (no ${var:-...} or ${var:+...} in this file: serverless would read them as its variables)
    [[ -n "$out" ]] || out='(nothing)'
    rt_failed="'$1' answered: $out"
    return 1
  fi
}
# master_generation: the master's pid and reload count (`show proc`): changes with every reload
# or restart, by us or anyone else.
master_generation() { cli "show proc" | awk '$2 == "master" && $1 ~ /^[0-9]+$/ && $3 ~ /^[0-9]+$/ { print $1 " " $3; found = 1; exit } END { exit !found }'; }
# running_servers: what the current worker runs, as servers_of prints it (backend/name, address,
# port, weight), sorted.
running_servers() {
  local running
  running="$(running_state)" || return 1
  awk 'NR > 1 && !/^#/ && NF >= 19 { printf "%s/%s\t%s\t%s\t%s\n", $2, $4, $5, $19, $8 }' <<<"$running" | LC_ALL=C sort
}
# unstick_drained FILE: a server in drain (weight 0) still takes the clients a stick table sends
# it (persistence outranks weight), so its entries are cleared in every backend of FILE with a
# stick table: those clients are balanced onto the others. Best effort, on every apply (a peer
# may have synced an entry back since); a failure is said, never fatal.
unstick_drained() {
  [[ -S "$master_socket" ]] || return 0
  local be name id out
  while IFS=$'\t' read -r be name; do
    id="$(cli "@1 show servers state $be" | awk -v s="$name" '$4 == s && $3 ~ /^[0-9]+$/ { print $3; exit }')" || id=""
    [[ -n "$id" ]] || continue
    out="$(cli "@1 clear table $be data.server_id eq $id" | tr -d '\r' | sed -e '/^[[:space:]]*$/d')" || out="the master CLI did not answer"
    if [[ -n "$out" ]]; then say "could not clear the stick-table entries of drained server $be/$name: $out"; fi
  done < <(awk 'NR == FNR { if (/^[^ \t#]/) { inb = ($1 == "backend"); be = $2 } else if (inb && $1 == "stick-table") sticky[be] = 1; next }
      { split($1, k, "/"); if ((k[1] in sticky) && $4 == "0") print k[1] "\t" k[2] }' "$1" <(servers_of "$1"))
}
# sessions KEY: the current sessions of backend/server KEY in the current worker (`show stat` scur).
sessions() {
  cli "@1 show stat" | awk -F, -v b="${1%%/*}" -v s="${1#*/}" '$1 == b && $2 == s { print $5; exit }'
}
# try_runtime: 0 when the change was made at run time; 1 when it cannot be (nothing was touched,
# not_runtime says why); 2 when a command failed part-way (rt_failed says which).
not_runtime=""
runtime_summary=""
try_runtime() {
  local k a p w o oa op ow oo n cur hp removed=() added=0 changed=0
  if [[ ! -S "$master_socket" ]]; then
    not_runtime="no master CLI at $master_socket (start HAProxy with -S $master_socket)"
    return 1
  fi
  if [[ ! -f "$config" || "$on_disk" != "$applied_digest" ]]; then
    not_runtime="the file on disk is not the one last applied"
    return 1
  fi
  if [[ "$(structure_of "$config")" != "$(structure_of "$tmp_new")" ]]; then
    not_runtime="more than servers changed"
    return 1
  fi
  # `add server` does not apply a backend's default-server settings: only a reload would.
  if grep -Eq '^[[:space:]]*default-server[[:space:]]' -- "$tmp_new"; then
    not_runtime="the file has default-server lines, which servers added at run time would not get"
    return 1
  fi
  local running generation
  if ! generation="$(master_generation)" || ! running="$(running_servers)"; then
    not_runtime="the master CLI at $master_socket did not answer 'show proc' and 'show servers state'"
    return 1
  fi
  # What HAProxy runs must be what the file on disk says, server by server, or a runtime diff
  # against the file would not lead to the new file.
  if [[ "$running" != "$(servers_of "$config" | cut -f1-4)" ]]; then
    not_runtime="HAProxy does not run the servers $config lists"
    return 1
  fi
  declare -A old=() new=()
  while IFS=$'\t' read -r k a p w o; do [[ -n "$k" ]] && old[$k]="$a"$'\t'"$p"$'\t'"$w"$'\t'"$o"; done < <(servers_of "$config")
  while IFS=$'\t' read -r k a p w o; do [[ -n "$k" ]] && new[$k]="$a"$'\t'"$p"$'\t'"$w"$'\t'"$o"; done < <(servers_of "$tmp_new")
  for k in "${!new[@]}"; do
    if [[ -n "${old[$k]+x}" ]]; then
      IFS=$'\t' read -r a p w o <<<"${new[$k]}"
      IFS=$'\t' read -r oa op ow oo <<<"${old[$k]}"
      if [[ "$o" != "$oo" ]]; then
        not_runtime="the options of server $k changed"
        return 1
      fi
    fi
  done
  # Added first, then changed, then removed: a backend never has fewer servers than either file.
  while IFS= read -r k; do
    [[ -n "$k" && -z "${old[$k]+x}" ]] || continue
    IFS=$'\t' read -r a p w o <<<"${new[$k]}"
    if [[ "$a" == *:* ]]; then hp="[$a]:$p"; else hp="$a:$p"; fi
    opts=''
    [[ -z "$o" ]] || opts=" $o"
    rt "add server $k $hp$opts weight $w" "New server registered." || return 2
    rt "set server $k state ready" "" || return 2
    if [[ " $o " == *" check "* ]]; then rt "enable health $k" "" || return 2; fi
    added=$((added + 1))
  done < <(printf '%s\n' "${!new[@]}" | LC_ALL=C sort)
  while IFS= read -r k; do
    [[ -n "$k" && -n "${old[$k]+x}" ]] || continue
    IFS=$'\t' read -r a p w o <<<"${new[$k]}"
    IFS=$'\t' read -r oa op ow oo <<<"${old[$k]}"
    if [[ "$a" != "$oa" || "$p" != "$op" ]]; then rt "set server $k addr $a port $p" "*changed from*" || return 2; fi
    if [[ "$w" != "$ow" ]]; then rt "set server $k weight $w" "" || return 2; fi
    if [[ "$a" != "$oa" || "$p" != "$op" || "$w" != "$ow" ]]; then changed=$((changed + 1)); fi
  done < <(printf '%s\n' "${!new[@]}" | LC_ALL=C sort)
  while IFS= read -r k; do
    [[ -n "$k" && -z "${new[$k]+x}" ]] || continue
    rt "set server $k state maint" "" || return 2
    # The control plane drains a server before it leaves (weight 0 until its sessions end or its
    # drain timeout passes): what is still open now outlived that, and is cut.
    cur="$(sessions "$k")"
    if [[ "$cur" =~ ^[1-9][0-9]*$ ]]; then
      say "server $k still has $cur session(s) after its drain: cutting them"
      rt "shutdown sessions server $k" "" || return 2
    fi
    # Connections close asynchronously (idle ones too): `del server` is refused until they have.
    for n in $(seq 1 50); do
      if rt "del server $k" "Server deleted."; then break; fi
      ((n < 50)) || return 2
      sleep 0.1
    done
    removed+=("$k")
  done < <(printf '%s\n' "${!old[@]}" | LC_ALL=C sort)
  # Someone else's reload or restart in between would have thrown our changes away (the worker
  # that got them is gone): then what runs is checked against the new file, and reloaded if not.
  if [[ "$(master_generation)" != "$generation" ]]; then
    rt_failed="HAProxy was reloaded or restarted while the changes were made"
    return 2
  fi
  if [[ "$(running_servers)" != "$(servers_of "$tmp_new" | cut -f1-4)" ]]; then
    rt_failed="after the changes HAProxy does not run the servers of the new file"
    return 2
  fi
  runtime_summary="$added added, ${#removed[@]} removed, $changed changed"
  return 0
}
path="reload"
rc=0
try_runtime || rc=$?
if ((rc == 0)); then
  path="runtime"
elif ((rc == 1)); then
  if [[ -S "$master_socket" ]]; then say "reloading: $not_runtime"; fi
else
  say "a runtime change failed part-way ($rt_failed); falling back to a validated reload, which makes HAProxy run the new file as a whole"
fi

# --- 6. Keep the previous configuration, then swap atomically. ---
# Same owner and mode as the file it replaces (mktemp creates 0600).
keep_failed="could not keep a copy of the previous configuration in $prev; nothing was changed, the old configuration keeps running"
if [[ -f "$config" ]]; then
  chmod --reference="$config" -- "$tmp_new"
  # Only root can give the file to another owner; as another user the file is ours anyway.
  chown --reference="$config" -- "$tmp_new" 2>/dev/null || true
  tmp_prev="$(mktemp -- "$config_dir/.$config_base.prev.XXXXXX")" || fail 1 "$keep_failed"
  cp -p -- "$config" "$tmp_prev" || fail 1 "$keep_failed"
  mv -f -- "$tmp_prev" "$prev" || fail 1 "$keep_failed"
  tmp_prev=""
  had_previous=1
else
  chmod 0644 -- "$tmp_new"
  had_previous=0
fi
# rename(2) within one directory: readers (and a concurrent reload) see the old or the new file,
# never a partial one.
mv -f -- "$tmp_new" "$config" ||
  fail 1 "could not move the new configuration into place at $config; the old configuration keeps running"
tmp_new=""

if [[ "$path" == runtime ]]; then
  write_server_state "$config"
  unstick_drained "$config"
  record "$version" ||
    fail 1 "version $version is installed and applied at run time, but recording it in $state_file failed; the next push will apply it again"
  printf 'applied version %s digest %s at run time (%s; no reload)\n' "$version" "$digest" "$runtime_summary"
  report_local_peer
  exit 0
fi

# --- 7. Reload, and verify that HAProxy loaded it. ---
# Runs the reload command, then waits for a worker that was not there before and that stays up
# 0.5 s (one that dies at once did not load either). reload_out: the command's output; why: the
# reason when it returns 1.
reload_out=""
why=""
reload() {
  local before p end
  why=""
  write_server_state "$config"
  before="$(workers) "
  if ! reload_out="$(bash -c -- "$reload_cmd" 2>&1 9>&-)"; then
    why="the reload command failed"
    return 1
  fi
  # SECONDS counts whole seconds: one more so that the wait is never shorter than asked.
  end=$((SECONDS + reload_timeout + 1))
  while :; do
    for p in $(workers); do
      if [[ "$before" != *" $p "* ]]; then
        sleep 0.5
        if [[ "$(workers) " == *" $p "* ]]; then return 0; fi
      fi
    done
    ((SECONDS < end)) || break
    sleep 0.1
  done
  why="HAProxy started no new worker within $reload_timeout s: it did not load the configuration"
  return 1
}
show() { printf '%s\n' "${1:-(no output)}" >&2; }
hint() { say "why HAProxy did not load it is in HAProxy's log (journalctl -u haproxy, or its syslog file)"; }

if ! reload; then
  first_out="$reload_out"
  first_why="$why"
  if ((had_previous == 0)); then
    # Nothing to go back to: remove the new file so the node is as it was before the push.
    rm -f -- "$config"
    say "reload failed ('$reload_cmd'); there was no previous configuration, the new one was removed again. reload said:"
    show "$first_out"
    say "reload (version $version): $first_why"
    hint
    exit 5
  fi
  # Restore by copy + rename rather than renaming .prev away, so .prev keeps the last good file.
  if ! { tmp_restore="$(mktemp -- "$config_dir/.$config_base.restore.XXXXXX")" &&
    cp -p -- "$prev" "$tmp_restore" && mv -f -- "$tmp_restore" "$config"; }; then
    say "reload of version $version failed and the previous configuration could not be restored from $prev: $config holds version $version, HAProxy keeps running the configuration it had loaded. reload said:"
    show "$first_out"
    say "reload (version $version): $first_why"
    hint
    exit 5
  fi
  tmp_restore=""
  if reload; then
    say "reload of version $version failed; restored the previous configuration from $prev and reloaded it: the old configuration keeps running. first reload said:"
  else
    # A failed reload leaves the running HAProxy processes on what they had loaded before, so the
    # old configuration is still what serves traffic; the file on disk is the old one again.
    say "reload of version $version failed; restored the previous configuration from $prev, but reloading it failed too: HAProxy keeps running the configuration it had loaded. first reload said:"
  fi
  show "$first_out"
  say "first reload (version $version): $first_why"
  say "reload of the restored configuration said:"
  show "$reload_out"
  if [[ -n "$why" ]]; then
    say "reload of the restored configuration: $why"
  else
    say "reload of the restored configuration: HAProxy started a new worker with it"
  fi
  hint
  exit 5
fi

# --- 8. Record what is applied, atomically (version and digest in one file, one rename). ---
# If this fails the new configuration is running but unrecorded: exit non-zero so the control plane
# pushes again; the same version is then re-applied (not refused), which is harmless.
record "$version" ||
  fail 1 "version $version is installed and reloaded, but recording it in $state_file failed; the next push will apply it again"

unstick_drained "$config"
if [[ -n "$reload_out" ]]; then show "$reload_out"; fi
printf 'applied version %s digest %s\n' "$version" "$digest"
report_local_peer
