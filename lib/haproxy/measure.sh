#!/usr/bin/env bash
# measure.sh: reports what a load-balancer node carries now, for the control plane's drains.
#
# Run on the node by the control plane's SSM Run Command measure document (no port opened): it
# asks HAProxy's master CLI, which reaches every worker, the current one and the old ones a reload
# left serving their connections, and sums over them.
#
# Usage:
#   measure.sh [--servers <instance id>,<instance id>,...|none] [--master-socket /run/haproxy-master.sock]
#
# Output (stdout, one fact per line, nothing else):
#   workers <n>                         HAProxy processes asked (1 + old workers still serving)
#   connections <n>                     sessions on every frontend but `health` (Route 53's probes)
#   server <name> <scur> <weight>       for each server named in --servers that a backend lists:
#                                       its current sessions summed over the backends and the
#                                       workers, and its highest weight in the current worker
#                                       (0: drained everywhere, no new ones; "-": only an old
#                                       worker still lists it)
#   end                                 the answer is whole (SSM cuts long outputs: without this
#                                       line the control plane reads the full output, or nothing)
# A server not listed is on no backend of this node: it carries nothing here.
#
# Exit codes: 0 measured; 1 usage error; 6 not ready (no master CLI: HAProxy not running, or not
# started with -S); 7 HAProxy answered something this script does not understand.
set -euo pipefail
readonly PROG="measure"
say() { printf '%s: %s\n' "$PROG" "$*" >&2; }
fail() {
  local code="$1"
  shift
  say "$*"
  exit "$code"
}

servers=""
master_socket="/run/haproxy-master.sock"
while (($# > 0)); do
  (($# >= 2)) || fail 1 "usage error: option $1 needs a value"
  case "$1" in
    --servers) servers="$2" ;;
    --master-socket) master_socket="$2" ;;
    *) fail 1 "usage error: unknown option $1" ;;
  esac
  shift 2
done
# Server names are instance ids: nothing else may reach awk's variables.
# "none" (what the document sends when no server is asked about) and "" ask about none.
if [[ "$servers" == none ]]; then servers=""; fi
[[ "$servers" =~ ^(i-[0-9a-f]{8,17}(,i-[0-9a-f]{8,17})*)?$ ]] || fail 1 "usage error: --servers must be instance ids separated by commas"
[[ -S "$master_socket" ]] || fail 6 "not ready: no HAProxy master CLI at $master_socket (is haproxy running with -S $master_socket?)"

# cli CMD: one command to the master CLI, its answer on stdout (see apply-config.sh, the same client).
cli() {
  if command -v perl >/dev/null 2>&1; then
    timeout 10 perl -MIO::Socket::UNIX -e '$s = IO::Socket::UNIX->new(Peer => $ARGV[0]) or exit 2; print $s "$ARGV[1]\n"; shutdown($s, 1); local $/; $r = <$s>; print $r if defined $r;' "$master_socket" "$1"
  elif command -v python3 >/dev/null 2>&1; then
    timeout 10 python3 -c 'import socket, sys; s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.sendall((sys.argv[2] + "\n").encode()); s.shutdown(socket.SHUT_WR); sys.stdout.write(b"".join(iter(lambda: s.recv(65536), b"")).decode())' "$master_socket" "$1"
  elif command -v socat >/dev/null 2>&1; then
    printf '%s\n' "$1" | timeout 10 socat -t 10 - "UNIX-CONNECT:$master_socket"
  else
    fail 6 "not ready: no socket client (perl, python3 or socat) to reach the master CLI"
  fi
}

procs="$(cli "show proc")" || fail 6 "not ready: the master CLI at $master_socket did not answer"
# The current worker is listed under "# workers", the ones a reload left serving their connections
# under "# old workers" (HAProxy 2.6): pid first, type second. The current one comes first.
mapfile -t pids < <(awk '/^# (old )?workers/ { w = 1; next } /^#/ { w = 0 } w && $2 == "worker" && $1 ~ /^[0-9]+$/ { print $1 }' <<<"$procs")
((${#pids[@]} > 0)) || fail 7 "the master CLI listed no worker: $(head -c 300 <<<"$procs")"

stats=""
current=""
for pid in "${pids[@]}"; do
  out="$(cli "@!$pid show stat")" || fail 7 "worker $pid did not answer 'show stat'"
  [[ "$out" == "# pxname,svname,"* ]] || fail 7 "worker $pid answered 'show stat' with: $(head -c 300 <<<"$out")"
  stats+="$out"$'\n'
  # The current worker is the first listed (the most recent): its weights are the ones in force.
  [[ -n "$current" ]] || current="$out"
done

printf 'workers %s\n' "${#pids[@]}"
# show stat CSV: pxname 1, svname 2, scur 5, weight 19.
awk -F, '$2 == "FRONTEND" && $1 != "health" { n += $5 } END { printf "connections %d\n", n }' <<<"$stats"
if [[ -n "$servers" ]]; then
  # Data goes to awk through files, never through -v: one argument is limited to 128 KiB, which
  # the `show stat` of a few hundred servers exceeds. One line per server, whatever the number of
  # backends listing it (SSM returns 24,000 characters of output).
  awk -F, '
    FILENAME == ARGV[1] { n = split($0, l, ","); for (i = 1; i <= n; i++) wanted[l[i]] = 1; next }
    FILENAME == ARGV[2] { if (($2 in wanted) && (!($2 in weight) || $19 + 0 > weight[$2] + 0)) weight[$2] = $19; next }
    ($2 in wanted) { s[$2] += $5; if (!($2 in order)) { order[$2] = ++o; keys[o] = $2 } }
    END { for (i = 1; i <= o; i++) { k = keys[i]; printf "server %s %d %s\n", k, s[k], (k in weight) ? weight[k] : "-" } }' \
    <(printf '%s\n' "$servers") <(printf '%s\n' "$current") <(printf '%s\n' "$stats")
fi
printf 'end\n'
