# SPDX-License-Identifier: GPL-2.0-or-later
# The guest tier: boot Debian's own kernel (KERNEL=6.12, 6.1 or 5.10; its cloud flavour, or
# FLAVOUR=generic) under qemu (TCG) with an initramfs of busybox and the static ftnet, run
# guest-test.sh (or GUEST_SCRIPT, on SMP CPUs) inside, and check its lines. A panic also ends
# qemu with status 0, so only an explicit GUEST-RESULT: PASS passes.
. "$TESTLIB"
: "${KERNEL:?KERNEL must be 6.12, 6.1 or 5.10}"
[ "$(id -u)" = 0 ] || skip "needs root (apt-get download, the kernel cache)"
# The aarch64 static ftnet, built here from the checkout's files (a copy: the tree may be
# configured for this machine), its netpoke, and Debian's arm64 busybox-static.
cross_build() {
	src=$(cd "$HERE/../.." && pwd)
	mkdir -p "$TMP/src"
	(cd "$src" && git ls-files -z | xargs -0 cp --parents -t "$TMP/src") 2>"$TMP/cp.err" ||
		skip "the arm64 tier builds from a git checkout: $(cat "$TMP/cp.err")"
	(cd "$TMP/src" && autoreconf -fi && ./configure --host=aarch64-linux-gnu --enable-static-binary \
		--disable-live-tests && make -j2 ftnet) >"$TMP/build.log" 2>&1 ||
		{ fail "the aarch64 build: $(tail -20 "$TMP/build.log")"; finish; }
	STATIC=$TMP/src/ftnet
	file "$STATIC" | grep -q 'ARM aarch64.*statically linked' && ok "a static aarch64 ftnet: $(du -k "$STATIC" | cut -f1) KB" ||
		fail "not a static aarch64 binary: $(file "$STATIC")"
	NETPOKE=$TMP/netpoke
	aarch64-linux-gnu-gcc -O2 -static -o "$NETPOKE" "$src/tests/guest/netpoke.c" || fail "netpoke for aarch64"
	cache=${FTNET_GUEST_CACHE:-/var/cache/ftnet-guest}
	if [ ! -x "$cache/busybox-arm64/bin/busybox" ]; then
		(cd "$cache" && rm -f busybox-static_*_arm64.deb && apt-get download busybox-static:arm64 >/dev/null 2>&1 &&
			dpkg -x busybox-static_*_arm64.deb busybox-arm64 && rm -f busybox-static_*_arm64.deb) ||
			{ fail "cannot fetch Debian's busybox-static:arm64 (dpkg --add-architecture arm64)"; finish; }
	fi
	BUSYBOX=$cache/busybox-arm64/bin/busybox
	export BUSYBOX
}

ARCH=${ARCH:-amd64}	# arm64: QEMU_CPU picks -cpu (default max)
FLAVOUR=${FLAVOUR:-cloud}	# generic: the kernel of Debian's linux-image-ARCH, with every driver
kind=	# in messages: " generic" for that one
[ "$FLAVOUR" = generic ] && kind=" generic"
# One host thread for all vCPUs. With a thread per vCPU (QEMU 7.2's default), a vCPU can go on
# running a stale translation of kernel text that another vCPU has just patched: a 6.1 guest hung
# about one run in four with CPU 0 looping in poke_int3_handler at an int3 already gone from
# memory while CPU 1, enabling or disabling an event, waited in text_poke_bp_batch for its IPI.
ACCEL=${QEMU_ACCEL:-tcg,thread=single}
need_cmd busybox
case $ARCH in
amd64)
	QEMU="qemu-system-x86_64" CONSOLE=ttyS0 LIMIT=900	# seconds: a guest that hangs ends
	STATIC=${FTNET_STATIC:-$(dirname "$FTNET")/tests/guest/ftnet-static}
	[ -x "$STATIC" ] || skip "no static ftnet at $STATIC"
	NETPOKE=$(dirname "$STATIC")/netpoke
	;;
arm64)
	QEMU="qemu-system-aarch64 -M virt -cpu ${QEMU_CPU:-max}" CONSOLE=ttyAMA0
	LIMIT=1500	# emulated arm64 runs the same checks in 11 to 12 minutes
	need_cmd aarch64-linux-gnu-gcc
	cross_build	# STATIC, NETPOKE, BUSYBOX for aarch64
	;;
*)
	fail "ARCH must be amd64 or arm64, not '$ARCH'"
	finish
	;;
esac
need_cmd ${QEMU%% *}

kdir=$("$HERE/../guest/fetch-kernel" "$KERNEL" "$ARCH" "$FLAVOUR") ||
	skip "cannot fetch Debian's $KERNEL$kind kernel ($ARCH)"
vmlinuz=$(ls "$kdir"/boot/vmlinuz-* | head -1)
# and what the guest's traffic needs: a UDP sender, nft with the kernel's nf_tables modules
# (the host's nft: on the x86 tier only)
extra="$NETPOKE=/bin/netpoke"
if [ "$ARCH" = amd64 ]; then
	need_cmd nft
	extra="$extra $(command -v nft)=/bin/nft"
	# module M of the kernel as a plain .ko (Debian 13's are xz'd, under usr/lib), or nothing
	module() {
		f=$(find "$kdir/lib/modules" "$kdir/usr/lib/modules" -name "$1.ko" -o -name "$1.ko.xz" 2>/dev/null | head -1)
		case $f in
		*.xz) xz -dc "$f" >"$TMP/$1.ko" && echo "$TMP/$1.ko" ;;
		?*) echo "$f" ;;
		esac
	}
	for m in libcrc32c nfnetlink nf_tables; do
		f=$(module $m)
		[ -n "$f" ] || fail "no $m.ko in $kdir"
		extra="$extra $f=/lib/modules/$m.ko"
	done
	f=$(module nft_counter)	# a module on 5.10, built in on 6.1
	[ -n "$f" ] && extra="$extra $f=/lib/modules/nft_counter.ko"
	# pwru's cases: nft's NAT (its DNAT case) and veth (its ARP case)
	if [ "${GUEST_SCRIPT:-}" = guest-pwru.sh ]; then
		for m in nf_defrag_ipv4 nf_defrag_ipv6 nf_conntrack nf_nat nft_chain_nat nft_nat veth; do
			f=$(module $m)
			[ -n "$f" ] || fail "no $m.ko in $kdir"
			extra="$extra $f=/lib/modules/$m.ko"
		done
	fi
	# the NIC guest's drivers: e1000, and netdevsim (built here: Debian has none) with the
	# psample it needs; the host's iproute2 ip, for the 'ip -s' diagnose prints and 'ip neigh
	# add' (busybox's has neither), at /usr/sbin/ip: busybox's sh runs its own applet for 'ip'
	if [ "${GUEST_SCRIPT:-}" = guest-nic.sh ]; then
		for m in e1000 psample; do
			f=$(module $m)
			[ -n "$f" ] || fail "no $m.ko in $kdir"
			extra="$extra $f=/lib/modules/$m.ko"
		done
		f=$("$HERE/../guest/build-netdevsim" "$kdir") || { fail "cannot build netdevsim for $kdir"; finish; }
		need_cmd ip
		extra="$extra $f=/lib/modules/netdevsim.ko $(command -v ip)=/usr/sbin/ip"
	fi
fi
script=${GUEST_SCRIPT:-guest-test.sh}
# guest-test.sh's NICs: two virtio-net NICs on a hub of qemu's own (no user or tap networking:
# no frame leaves qemu), with one MAC address: the guest turns ARP off (no frames but its own
# to count), and a frame then goes to the sender's own address. Their modules, in the order
# the guest loads them (those built in are absent: virtio and virtio_pci on 6.12).
nics=
if [ "$ARCH" = amd64 ] && [ "$script" = guest-test.sh ]; then
	for m in virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci failover \
		net_failover virtio_net; do
		f=$(module $m)
		[ -n "$f" ] && extra="$extra $f=/lib/modules/$m.ko"
	done
	[ -n "$f" ] || fail "no virtio_net.ko in $kdir"
	for n in a b; do
		nics="$nics -netdev hubport,id=$n,hubid=0 -device virtio-net-pci,netdev=$n,mac=52:54:00:f7:00:01"
	done
fi
# guest-nic.sh's: two e1000 NICs on a hub, each with a MAC address of its own
if [ "$script" = guest-nic.sh ]; then
	for n in 1 2; do
		nics="$nics -netdev hubport,id=n$n,hubid=0 -device e1000,netdev=n$n,mac=52:54:00:f7:00:0$n"
	done
fi
extra="$extra $HERE/../guest/guest-lib.sh=/guest-lib.sh"	# what every guest script sources
"$HERE/../../scripts/mkinitramfs-test" "$TMP/initrd.gz" "$STATIC" "$HERE/../guest/$script" $extra >/dev/null || fail "mkinitramfs-test"
# shellcheck disable=SC2086
timeout "$LIMIT" $QEMU -accel "$ACCEL" -nographic -no-reboot -m 1G -smp "${SMP:-2}" $nics \
	-kernel "$vmlinuz" -initrd "$TMP/initrd.gz" -append "console=$CONSOLE panic=-1 quiet loglevel=5" </dev/null >"$TMP/console" 2>&1
echo "qemu exit status $?"
# GUEST_CONSOLE=FILE keeps the guest's whole console for a look afterwards
[ -n "${GUEST_CONSOLE:-}" ] && cp "$TMP/console" "$GUEST_CONSOLE"
tr -d '\r' <"$TMP/console" | grep -E '(^|J)guest:|^(GUEST|GROUP|[a-z]+ +(tracepoint|kprobe|unavailable)|selftest:|ftnet:)' 
# what the guest's kernel said of trouble (a hang ends in qemu's timeout: status 124)
tr -d '\r' <"$TMP/console" | grep -E -A25 'soft lockup|hung_task|blocked for more than|rcu_.*stall|BUG:|Oops|WARNING:' | head -60
if grep -q 'Kernel panic' "$TMP/console"; then
	fail "the guest kernel panicked: $(grep -A5 'Kernel panic' "$TMP/console")"
fi
flavour=-cloud	# uname -r: 6.1.0-57-cloud-amd64, or 6.1.0-57-amd64 for the generic kernel
[ "$FLAVOUR" = generic ] && flavour=
tr -d '\r' <"$TMP/console" | grep -q "guest: ${KERNEL}\.[0-9]*[-+][0-9a-z]*$flavour-$ARCH up$" &&
	ok "booted Debian's $KERNEL$kind kernel ($ARCH)" || fail "the guest did not run $KERNEL$kind ($ARCH)"
# the guest's failed checks, repeated last: a CI log shows its tail
guest_failures() {
	tr -d '\r' <"$TMP/console" | grep '^GUEST: FAIL' >"$TMP/guest-fail"
	expect_eq "failed checks in the guest$(sed 's/^GUEST: FAIL/ |/' "$TMP/guest-fail" | tr -d '\n')" \
		"$(wc -l <"$TMP/guest-fail")" 0
}
if [ "$script" != guest-test.sh ]; then	# its own checks are all in the guest
	guest_failures
	tr -d '\r' <"$TMP/console" | grep -q '^GUEST-RESULT: PASS$' && ok "guest result line" || fail "no GUEST-RESULT: PASS line"
	finish
fi
# the dropped packets' pcapng written in the guest, read here by tshark: 3 packets to the port
port=$(tr -d '\r' <"$TMP/console" | sed -n 's/^PCAPNG-BEGIN //p')
tr -d '\r' <"$TMP/console" | sed -n '/^PCAPNG-BEGIN/,/^PCAPNG-END/p' | sed '1d;$d' | base64 -d >"$TMP/drops.pcapng"
need_cmd tshark
tshark -r "$TMP/drops.pcapng" -T fields -e udp.dstport -e frame.comment >"$TMP/tshark" 2>"$TMP/tshark.err"
n=$(grep -c "^$port	.*__udp4_lib_rcv+0x[0-9a-f]* dev lo netns [0-9]*$" "$TMP/tshark")
expect_eq "tshark reads the guest's dropped packets to port $port, with their comments" "$n" 3
n=$(tshark -r "$TMP/drops.pcapng" 2>/dev/null | grep -vc "UDP")
expect_eq "packets in the pcapng that are not UDP" "$n" 0
# the trace.dat recorded in the guest (kprobe events, stacks), read here by trace-cmd and ftnet
tr -d '\r' <"$TMP/console" | sed -n '/^TRACEDAT-BEGIN/,/^TRACEDAT-END/p' | sed '1d;$d' | base64 -d | gunzip >"$TMP/g.dat"
need_cmd trace-cmd
trace-cmd report "$TMP/g.dat" >"$TMP/g.tc" 2>"$TMP/g.tc.err"
expect_eq "trace-cmd report of the guest's file: exit status" "$?" 0
expect_ge "trace-cmd: the guest's drop_pkt kprobe records" "$(grep -c ' drop_pkt: ' "$TMP/g.tc")" 4
"$FTNET" report "$TMP/g.dat" --json >"$TMP/g.rep" 2>"$TMP/g.rep.err"
expect_eq "ftnet report of the guest's file here: exit status" "$?" 0
n=$(grep '"type":"drop"' "$TMP/g.rep" | grep '"location":"__udp4_lib_rcv+0x' | grep -c '"ipproto":"udp","saddr":"127.0.0.1","sport":40005,"daddr":"127.0.0.1","dport":5575,')
expect_eq "ftnet report here: the 4 drops with their flow, at __udp4_lib_rcv" "$n" 4
"$FTNET" top -r "$TMP/g.dat" --by stack --json -t 3600 >"$TMP/g.top" 2>/dev/null
expect_eq "top -r --by stack here: drops under __udp4_lib_rcv <- udp_sendmsg" "$(tail -1 "$TMP/g.top" | python3 -c '
import json, sys
top = json.loads(sys.stdin.read())
print(sum(r["total"] for r in top["drops"] if any(f.startswith("__udp4_lib_rcv+0x") for f in r.get("stack", [])) and
          any(f.startswith("udp_sendmsg+0x") for f in r["stack"])))')" 4
guest_failures
tr -d '\r' <"$TMP/console" | grep -q '^GUEST-RESULT: PASS$' && ok "guest result line" || fail "no GUEST-RESULT: PASS line"
finish
