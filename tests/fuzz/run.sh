# SPDX-License-Identifier: GPL-2.0-or-later
# Builds the libFuzzer targets with clang (ASan+UBSan) and runs each for a bounded number of
# inputs: fuzz-packet (the pcap reader and the packet printer, seeded with real captures),
# fuzz-record (the event decoders and printer on the formats recorded from real kernels),
# fuzz-pkt (headers rebuilt from skb offsets and windows, filters on them, pcapng written back)
# fuzz-btf (the BTF reader, seeded with the blobs of three kernels) and fuzz-tracedat (the
# trace.dat reader: sections, formats, pages, decoders, zstd and zlib; seeded with files ftnet
# wrote and trace-cmd converted) and fuzz-esc (the escaping of names from outside: text reads
# back exactly, JSON and Prometheus are UTF-8 without control bytes; seeded with hostile names).
. "$TESTLIB"
command -v clang >/dev/null || skip "needs clang with libFuzzer (Debian: clang, libclang-rt-14-dev)"
SRC=$(cd "$HERE/../.." && pwd)
BUILD=$(dirname "$FTNET")
RUNS=${FUZZ_RUNS:-200000}
# The library, compiled once with clang and the fuzzer's instrumentation; each target links it.
LIBSRC=$(make -s -C "$BUILD" print-libftnet-sources | tr ' ' '\n' | grep '\.c$')
[ -n "$LIBSRC" ] || fail "the build names no library sources (make print-libftnet-sources)"
CFLAGS_FUZZ="-g -O1 -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined \
	-I$SRC/include -I$SRC/tests/unit -include $BUILD/config.h \
	$(pkg-config --cflags libtraceevent libtracefs libnl-3.0 libmicrohttpd 2>/dev/null)"
mkdir -p "$TMP/lib"
# shellcheck disable=SC2086
echo "$LIBSRC" | xargs -P2 -I{} sh -c 'o="$1/lib/$(echo "$2" | tr / _).o"; clang $3 -c "$4/$2" -o "$o"' \
	- "$TMP" {} "$CFLAGS_FUZZ" "$SRC" 2>"$TMP/cc.err" || { cat "$TMP/cc.err"; fail "clang cannot build the library"; exit 1; }
ar rcs "$TMP/libftnet-fuzz.a" "$TMP"/lib/*.o
build() {	# build TARGET SOURCES...
	target=$1
	shift
	# shellcheck disable=SC2086
	clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
		-I"$SRC/include" -I"$SRC/tests/unit" -include "$BUILD/config.h" \
		$(pkg-config --cflags libtraceevent libtracefs) "$@" "$TMP/libftnet-fuzz.a" \
		$(pkg-config --libs libpcap libtraceevent libtracefs libzstd zlib) -lm \
		-o "$TMP/$target" 2>"$TMP/cc.err" || { cat "$TMP/cc.err"; fail "clang cannot build $target"; exit 1; }
}
# verdict NAME: the run just made (its status in $?) passed, or its report and the input that
# broke it (gzip, base64: the log is all a CI run keeps) are shown with the failure
verdict() {
	rc=$?
	tail -3 "$TMP/log"
	expect_eq "$1" "$rc" 0
	[ "$rc" = 0 ] && return
	grep -A60 -m1 -E '^==[0-9]+==ERROR|^SUMMARY|runtime error' "$TMP/log"
	for a in "$TMP"/art-*; do
		[ -f "$a" ] || continue
		echo "input that failed, $(wc -c <"$a") bytes (base64 -d | gunzip):"
		gzip -9c "$a" | base64
		rm -f "$a"
	done
}

build fuzz-packet "$SRC/tests/fuzz/fuzz-packet.c"
build fuzz-record "$SRC/tests/fuzz/fuzz-record.c" "$SRC/tests/unit/fixtures.c"
build fuzz-pkt "$SRC/tests/fuzz/fuzz-pkt.c"
build fuzz-btf "$SRC/tests/fuzz/fuzz-btf.c"
build fuzz-tracedat "$SRC/tests/fuzz/fuzz-tracedat.c"
build fuzz-esc "$SRC/tests/fuzz/fuzz-esc.c"

mkdir -p "$TMP/packets" "$TMP/records" "$TMP/btf" "$TMP/tracedat" "$TMP/esc"
cp "$SRC"/tests/data/fuzz/* "$TMP/packets/"
"$TMP/fuzz-packet" -runs="$RUNS" -max_len=2048 -seed=1 -timeout=30 -artifact_prefix="$TMP/art-" "$TMP/packets" >"$TMP/log" 2>&1
verdict "fuzz-packet: $RUNS inputs without a crash"

# seeds: every kernel and event with a zeroed record of full size
for kn in 0 1 2 3 4 5; do
	for e in $(seq 0 15); do
		{ printf "\\$(printf %03o "$kn")\\$(printf %03o "$e")"; head -c 120 /dev/zero; } >"$TMP/records/k$kn-e$e"
	done
done
FTNET_TESTDATA="$SRC/tests/data" "$TMP/fuzz-record" -runs=$((RUNS * 5)) -max_len=512 -seed=1 -timeout=30 -artifact_prefix="$TMP/art-" \
	"$TMP/records" >"$TMP/log" 2>&1
verdict "fuzz-record: $((RUNS * 5)) inputs without a crash"

# seeds: the kernel's layouts of 6.1's NO_SOCKET drops, with the header fuzz-pkt.c reads
unhex() {	# unhex HEX: the bytes
	h=$1
	while [ -n "$h" ]; do
		printf "\\$(printf %03o "0x${h%"${h#??}"}")"
		h=${h#??}
	done
}
le16() { printf '%02x%02x' $(($1 & 255)) $(($1 >> 8 & 255)); }
seed_header() {	# MODE NH TH LEN EXPR COMMENT: mode, protocol, nh, th, mh, window start, data,
		# tail, len, layout buffer size, comment length, expression, 2 spare bytes
	printf '%02x00%s%s%s%s%s%s%s0000%s%02x%02x0000' "$1" "$(le16 "$2")" "$(le16 "$3")" \
		"$(le16 65535)" "$(le16 0)" "$(le16 "$3")" "$(le16 $(($3 + 20)))" "$(le16 "$4")" \
		"$(le16 256)" "${#6}" "$5"
	printf '%s' "$6" | od -An -tx1 | tr -d ' \n'
}
mkdir -p "$TMP/pkt"
ZEROS=$(printf '0%.0s' $(seq 48))
UDP4=4500002412344000401100000a000001c00002079c40003500100000
TCP6=6000000000140640$(printf '0%.0s' $(seq 32))00000000000000000000000000000001
TCP6=${TCP6}ad9c001600000000000000005014000000000000
for mode in 0 12 14; do
	comment="NO_SOCKET __udp4_lib_rcv+0x6e1 dev lo netns 4026531840"
	unhex "$(seed_header $mode 16 36 44 53 "$comment")$(printf %.32s "$ZEROS")$UDP4" \
		>"$TMP/pkt/udp4-$mode"
	unhex "$(seed_header $mode 24 64 60 21 "$comment")$ZEROS$TCP6" >"$TMP/pkt/tcp6-$mode"
done
"$TMP/fuzz-pkt" -runs="$RUNS" -max_len=512 -seed=1 -timeout=30 -artifact_prefix="$TMP/art-" "$TMP/pkt" >"$TMP/log" 2>&1
verdict "fuzz-pkt: $RUNS inputs without a crash"

cp "$SRC"/tests/data/btf/*.btf "$TMP/btf/"
"$TMP/fuzz-btf" -runs="$RUNS" -max_len=16384 -seed=1 -timeout=30 -artifact_prefix="$TMP/art-" "$TMP/btf" >"$TMP/log" 2>&1
verdict "fuzz-btf: $RUNS inputs without a crash"

cp "$SRC"/tests/data/tracedat/*.dat "$TMP/tracedat/"
"$TMP/fuzz-tracedat" -runs="$RUNS" -max_len=32768 -seed=1 -timeout=30 -artifact_prefix="$TMP/art-" "$TMP/tracedat" >"$TMP/log" 2>&1
verdict "fuzz-tracedat: $RUNS inputs without a crash"

printf 'a\nb\tc\033[31mR' >"$TMP/esc/ansi"
printf '\033]0;pwn\007' >"$TMP/esc/title"
printf '\377\376\303' >"$TMP/esc/invalid"
printf 'caf\303\251 \342\202\254 \360\237\230\200 \302\233 \300\257 \355\240\200' >"$TMP/esc/utf8"
"$TMP/fuzz-esc" -runs="$RUNS" -max_len=64 -seed=1 -timeout=30 -artifact_prefix="$TMP/art-" "$TMP/esc" >"$TMP/log" 2>&1
verdict "fuzz-esc: $RUNS inputs without a crash"
finish
