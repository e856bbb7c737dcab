# Builds the libFuzzer target for the pcap reader and the packet printer with clang
# (ASan+UBSan) and runs it for a bounded number of inputs from a seed corpus of real captures.
. "$TESTLIB"
command -v clang >/dev/null || skip "needs clang with libFuzzer (Debian: clang, libclang-rt-14-dev)"
SRC=$(cd "$HERE/../.." && pwd)
BUILD=$(dirname "$FTNET")
RUNS=${FUZZ_RUNS:-200000}
clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-I"$SRC/include" -include "$BUILD/config.h" $(pkg-config --cflags libtraceevent) \
	"$SRC/tests/fuzz/fuzz-packet.c" "$SRC/src/cap.c" "$SRC/src/out.c" "$SRC/src/util.c" \
	"$SRC/src/ksyms.c" "$SRC/src/decode.c" "$SRC/src/decode-skb.c" "$SRC/src/decode-tcp.c" \
	"$SRC/src/decode-net.c" $(pkg-config --libs libpcap libtraceevent) -lm \
	-o "$TMP/fuzz-packet" 2>"$TMP/cc.err" || { cat "$TMP/cc.err"; skip "clang cannot build a libFuzzer target here"; }
mkdir -p "$TMP/corpus"
cp "$SRC"/tests/data/fuzz/* "$TMP/corpus/"
"$TMP/fuzz-packet" -runs="$RUNS" -max_len=2048 -seed=1 "$TMP/corpus" >"$TMP/log" 2>&1
rc=$?
tail -3 "$TMP/log"
expect_eq "fuzz-packet: $RUNS inputs without a crash" "$rc" 0
finish
