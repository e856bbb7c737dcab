# Builds the libFuzzer targets with clang (ASan+UBSan) and runs each for a bounded number of
# inputs: fuzz-packet (the pcap reader and the packet printer, seeded with real captures) and
# fuzz-record (the event decoders and printer on the formats recorded from real kernels).
. "$TESTLIB"
command -v clang >/dev/null || skip "needs clang with libFuzzer (Debian: clang, libclang-rt-14-dev)"
SRC=$(cd "$HERE/../.." && pwd)
BUILD=$(dirname "$FTNET")
RUNS=${FUZZ_RUNS:-200000}
DECODERS="$SRC/src/cap.c $SRC/src/out.c $SRC/src/util.c $SRC/src/ksyms.c $SRC/src/decode.c
	$SRC/src/decode-skb.c $SRC/src/decode-tcp.c $SRC/src/decode-net.c"
build() {	# build TARGET SOURCES...
	target=$1
	shift
	# shellcheck disable=SC2086
	clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
		-I"$SRC/include" -I"$SRC/tests/unit" -include "$BUILD/config.h" \
		$(pkg-config --cflags libtraceevent) "$@" $DECODERS \
		$(pkg-config --libs libpcap libtraceevent) -lm \
		-o "$TMP/$target" 2>"$TMP/cc.err" || { cat "$TMP/cc.err"; skip "clang cannot build a libFuzzer target here"; }
}
build fuzz-packet "$SRC/tests/fuzz/fuzz-packet.c"
build fuzz-record "$SRC/tests/fuzz/fuzz-record.c" "$SRC/tests/unit/fixtures.c"

mkdir -p "$TMP/packets" "$TMP/records"
cp "$SRC"/tests/data/fuzz/* "$TMP/packets/"
"$TMP/fuzz-packet" -runs="$RUNS" -max_len=2048 -seed=1 "$TMP/packets" >"$TMP/log" 2>&1
rc=$?
tail -3 "$TMP/log"
expect_eq "fuzz-packet: $RUNS inputs without a crash" "$rc" 0

# seeds: every kernel and event with a zeroed record of full size
for kn in 0 1 2 3 4 5; do
	for e in $(seq 0 15); do
		{ printf "\\$(printf %03o "$kn")\\$(printf %03o "$e")"; head -c 120 /dev/zero; } >"$TMP/records/k$kn-e$e"
	done
done
FTNET_TESTDATA="$SRC/tests/data" "$TMP/fuzz-record" -runs=$((RUNS * 5)) -max_len=512 -seed=1 \
	"$TMP/records" >"$TMP/log" 2>&1
rc=$?
tail -3 "$TMP/log"
expect_eq "fuzz-record: $((RUNS * 5)) inputs without a crash" "$rc" 0
finish
