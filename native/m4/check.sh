#!/bin/sh
# Runs htrun on the host and on the Cortex-M4 (QEMU mps2-an386, semihosting) over the test blobs and
# checks that both print the same thing: validation, boot/lazy/stream checksums, and inference (which must also
# match the reference output the test suite wrote). Called by `make qemu`.
set -eu
BUILD=${BUILD:-build}
QEMU=${QEMU:-qemu-system-arm}
elf=$BUILD/m4/htrun.elf
host=$BUILD/htrun
blobs=$BUILD/blobs
mkdir -p "$blobs"
"$BUILD/test/ht_test" --write-blobs "$blobs" >/dev/null

m4() {
	# Arguments travel as the semihosting command line; main's return value is QEMU's exit status.
	args=""
	for a in "$@"; do args="$args,arg=$a"; done
	timeout 300 "$QEMU" -M mps2-an386 -nographic -monitor none -serial none \
		-semihosting-config "enable=on,target=native,arg=htrun$args" -kernel "$elf" </dev/null
}

fail=0
check() { # check <expected status> <args...>: same stdout and status on host and M4
	want=$1
	shift
	set +e
	h_out=$("$host" "$@")
	h_rc=$?
	m_out=$(m4 "$@")
	m_rc=$?
	set -e
	if [ "$h_out" != "$m_out" ] || [ "$h_rc" != "$m_rc" ] || [ "$h_rc" != "$want" ]; then
		echo "MISMATCH htrun $*: host [$h_out] rc=$h_rc, m4 [$m_out] rc=$m_rc, want rc=$want" >&2
		fail=1
	else
		echo "ok  htrun $* -> $h_out"
	fi
}

for m in a b; do
	blob=$blobs/model_$m.htpw
	tight=$([ $m = a ] && echo 288 || echo 220) # the largest kernel of each model: the tightest stream budget
	check 0 validate "$blob"
	check 0 checksum "$blob" 50 1 boot
	check 0 checksum "$blob" 50 1 lazy
	check 0 checksum "$blob" 50 1 "stream:$tight"
	check 0 infer "$blob" "$blobs/window_$m.bin"
	if [ "$("$host" infer "$blob" "$blobs/window_$m.bin")" != "$(cat "$blobs/expect_$m.txt")" ]; then
		echo "MISMATCH infer model_$m: differs from the reference forward pass" >&2
		fail=1
	fi
	boot=$("$host" checksum "$blob" 50 1 boot | head -n 1)
	lazy=$("$host" checksum "$blob" 50 1 lazy | head -n 1)
	stream=$("$host" checksum "$blob" 50 1 "stream:$tight" | head -n 1)
	[ "$boot" = "$lazy" ] || { echo "MISMATCH boot/lazy on model_$m" >&2; fail=1; }
	[ "$boot" = "$stream" ] || { echo "MISMATCH boot/stream on model_$m" >&2; fail=1; }
	if "$host" checksum "$blob" 1 1 "stream:$((tight - 4))" 2>/dev/null; then
		echo "MISMATCH model_$m: a stream budget below the largest kernel was accepted" >&2
		fail=1
	fi
done
# A corrupted blob: the status code comes back as the exit status on both.
bad=$blobs/bad_magic.htpw
{ printf 'HTPX'; tail -c +5 "$blobs/model_a.htpw"; } >"$bad"
check 2 validate "$bad"
if [ $fail -ne 0 ]; then
	echo "qemu check: FAIL" >&2
	exit 1
fi
echo "qemu check: PASS (host and Cortex-M4 agree)"
