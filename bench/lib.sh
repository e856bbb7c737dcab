# SPDX-License-Identifier: GPL-2.0-or-later
# bench/lib.sh: what the reader benchmarks share (sourced, not run). A UDP flood to a closed
# loopback port, sender on SENDER_CPU and reader on READER_CPU. Every reader run is paired
# with its floor measured right before it: the same events on in a fresh instance, no reader.
# A persistent instance would keep the floor's events and overrun for the reader to read and
# count as lost. Rounds interleave the cases; the report gives, per case, the median with the
# min and max of the sender's packets/s and of its ratio to the floor of the same round, and
# the events seen and lost from ftnet's own summary.
#
# Variables: FTNET (./ftnet, or FTNET=PATH as an argument), SECS (3) per flood, ROUNDS (5).
set -u
cd "$(dirname "$0")/.."
FTNET=${FTNET:-$PWD/ftnet}
for a in "$@"; do case $a in FTNET=*) FTNET=${a#FTNET=} ;; esac; done
SECS=${SECS:-3}
ROUNDS=${ROUNDS:-5}
READER_CPU=${READER_CPU:-0}
SENDER_CPU=${SENDER_CPU:-1}
T=/sys/kernel/tracing
BENCH_BG=""
BENCH_N=0
BENCH_CASES=""
declare -A B_PPS B_RATIO B_SEEN B_LOST B_FLOOR B_EXTRA B_LABEL B_CPU B_EPC

bench_cleanup() {
	[ -n "$BENCH_BG" ] && kill "$BENCH_BG" 2>/dev/null && wait "$BENCH_BG" 2>/dev/null
	for i in "$T"/instances/ftnet-bench-$$-*; do
		[ -d "$i" ] || continue
		"$FTNET" -I "${i##*/}" disable --all >/dev/null 2>&1
		rmdir "$i" 2>/dev/null
	done
	rm -rf "$WORK"
}

# bench_init NAME: checks, the flood built, a closed port picked, the cleanup set
bench_init() {
	BENCH_NAME=$1
	[ "$(id -u)" = 0 ] || { echo "bench/$1: needs root"; exit 1; }
	[ -x "$FTNET" ] || { echo "bench/$1: build ftnet first (no $FTNET)"; exit 1; }
	[ "$(nproc)" -ge 2 ] || { echo "bench/$1: needs 2 CPUs (sender and reader apart)"; exit 1; }
	WORK=$(mktemp -d /tmp/ftnet-bench.XXXXXX)
	trap bench_cleanup EXIT
	cc -O2 -o "$WORK/flood" bench/flood.c || exit 1
	PORT=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	echo "bench/$1: ${SECS}s UDP floods to 127.0.0.1:$PORT (closed), sender CPU $SENDER_CPU," \
		"reader CPU $READER_CPU, $ROUNDS interleaved rounds, each run after its own floor"
}

flood() { "$WORK/flood" "$PORT" "$SECS" "$SENDER_CPU"; }	# prints "packets pkts/s"

bench_instance() { BENCH_N=$((BENCH_N + 1)); echo "ftnet-bench-$$-$BENCH_N"; }

# bench_floor GROUP [ENABLE ARGS...]: pkt/s of a flood with GROUP on in a fresh instance, no reader
bench_floor() {
	local inst n pps
	inst=$(bench_instance)
	"$FTNET" -I "$inst" enable "$@" >/dev/null || { echo "bench/$BENCH_NAME: cannot enable $*" >&2; exit 1; }
	read -r n pps < <(flood)
	"$FTNET" -I "$inst" disable --all >/dev/null 2>&1
	rmdir "$T/instances/$inst" 2>/dev/null
	echo "$pps"
}

# Waits (10 s at most) until process $1 has a trace_pipe_raw open: its instance is set up.
bench_ready() {
	for _ in $(seq 100); do
		ls -l "/proc/$1/fd" 2>/dev/null | grep -q trace_pipe_raw && { sleep 0.2; return 0; }
		kill -0 "$1" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# user + system time of a process and its threads, in clock ticks
bench_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }

# bench_reader CASE TO CMD...: CMD on the reader CPU during a flood, stdout to TO (null: /dev/null,
# file: $WORK/CASE.out, pipe: 'grep -c .' whose count goes to $WORK/CASE.count), stderr to
# $WORK/CASE.err, ended by SIGINT. Sets R_SENT (packets sent), R_PPS, R_HWM (its peak RSS, kB), and R_CPU: the reader's CPU seconds from the
# flood's start to half a second after its end (a busy machine gives it less than the flood's
# length: the reader shares its CPU).
bench_reader() {
	local name=$1 to=$2 t0
	shift 2
	rm -f "$WORK/$name.out" "$WORK/$name.count"
	case $to in
	null) taskset -c "$READER_CPU" "$@" >/dev/null 2>"$WORK/$name.err" & ;;
	file) taskset -c "$READER_CPU" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" & ;;
	pipe) taskset -c "$READER_CPU" "$@" 2>"$WORK/$name.err" > >(grep -c . >"$WORK/$name.count") & ;;
	esac
	BENCH_BG=$!
	bench_ready "$BENCH_BG" || { echo "bench/$BENCH_NAME: $name did not start:" >&2; cat "$WORK/$name.err" >&2; exit 1; }
	t0=$(bench_ticks "$BENCH_BG")
	read -r R_SENT R_PPS < <(flood)
	sleep 0.5
	R_CPU=$(awk -v t0="$t0" -v t1="$(bench_ticks "$BENCH_BG")" -v hz="$(getconf CLK_TCK)" \
		'BEGIN { printf "%.2f", (t1 - t0) / hz }')
	R_HWM=$(awk '/^VmHWM/ { print $2 }' "/proc/$BENCH_BG/status" 2>/dev/null)
	kill -INT "$BENCH_BG"
	wait "$BENCH_BG"
	BENCH_BG=""
	if [ "$to" = pipe ]; then
		for _ in $(seq 50); do [ -s "$WORK/$name.count" ] && break; sleep 0.1; done
	fi
}

# bench_add CASE LABEL FLOOR PPS [SEEN LOST [EXTRA [CPU]]]: one round of a case (CPU: R_CPU)
bench_add() {
	local c=$1
	case " $BENCH_CASES " in *" $c "*) ;; *) BENCH_CASES="$BENCH_CASES $c" ;; esac
	B_LABEL[$c]=$2
	B_FLOOR[$c]="${B_FLOOR[$c]:-} $3"
	B_PPS[$c]="${B_PPS[$c]:-} $4"
	B_RATIO[$c]="${B_RATIO[$c]:-} $(awk -v p="$4" -v f="$3" 'BEGIN { printf "%.3f", (f > 0 ? p / f : 0) }')"
	B_SEEN[$c]="${B_SEEN[$c]:-} ${5:--}"
	B_LOST[$c]="${B_LOST[$c]:-} ${6:--}"
	B_EXTRA[$c]="${B_EXTRA[$c]:-} ${7:--}"
	B_CPU[$c]="${B_CPU[$c]:-} ${8:--}"
	B_EPC[$c]="${B_EPC[$c]:-} $(awk -v e="${5:--}" -v c="${8:--}" 'BEGIN { if (e + 0 > 0 && c + 0 > 0) printf "%.0f", e / c; else print "-" }')"
}

# "median [min..max]" of numbers ("-" when there are none)
bench_mmm() {
	echo "$@" | tr ' ' '\n' | grep -E '^[0-9.]+$' | sort -g | awk '{ a[NR] = $1 }
		END { if (!NR) { print "-"; exit }
		      printf "%s [%s..%s]\n", a[int((NR + 1) / 2)], a[1], a[NR] }'
}

bench_median() { bench_mmm "$@" | cut -d' ' -f1; }

# The table: one line per case, then the rounds of each.
bench_report() {
	local c
	printf '\n%-36s %24s %22s %26s %22s %26s\n' case "sender pkt/s" "sender/floor" \
		"events seen" "lost" "events/CPU-s of reader"
	for c in $BENCH_CASES; do
		printf '%-36s %24s %22s %26s %22s %26s\n' "${B_LABEL[$c]}" "$(bench_mmm ${B_PPS[$c]})" \
			"$(bench_mmm ${B_RATIO[$c]})" "$(bench_mmm ${B_SEEN[$c]})" \
			"$(bench_mmm ${B_LOST[$c]})" "$(bench_mmm ${B_EPC[$c]})"
	done
	echo
	echo "per round (floor pkt/s, pkt/s, ratio, seen, lost, reader CPU s, more):"
	for c in $BENCH_CASES; do
		echo "  ${B_LABEL[$c]}:"
		paste -d' ' <(echo ${B_FLOOR[$c]} | tr ' ' '\n') <(echo ${B_PPS[$c]} | tr ' ' '\n') \
			<(echo ${B_RATIO[$c]} | tr ' ' '\n') <(echo ${B_SEEN[$c]} | tr ' ' '\n') \
			<(echo ${B_LOST[$c]} | tr ' ' '\n') <(echo ${B_CPU[$c]} | tr ' ' '\n') \
			<(echo ${B_EXTRA[$c]} | tr ' ' '\n') | sed 's/^/    /'
	done
}
