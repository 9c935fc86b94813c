#!/bin/sh
# count.sh <elf> <plugin.so> [qemu]: runs a bench ELF on QEMU mps2-an386 with the region-counting plugin and
# prints the program's report with each "@region <label> <index>" line followed by its instruction count
# (the plugin's k-th "@count" belongs to the k-th region). Exit status: the program's.
set -eu
elf=$1
plugin=$2
qemu=${3:-qemu-system-arm}
nm=${ARM_NM:-arm-none-eabi-nm}
addr() { # a Thumb function's address without the Thumb bit
	a=$("$nm" "$elf" | awk -v s="$1" '$3 == s { print $1 }')
	[ -n "$a" ] || { echo "count.sh: no symbol $1 in $elf" >&2; exit 64; }
	printf '0x%x' $((0x$a & ~1))
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
set +e
timeout "${COUNT_TIMEOUT:-600}" "$qemu" -M mps2-an386 -nographic -monitor none -serial none \
	-semihosting-config enable=on,target=native \
	-plugin "$plugin,begin=$(addr region_begin),end=$(addr region_end),out=$tmp/counts" \
	-kernel "$elf" </dev/null 2>"$tmp/report" # semihosting console text goes to stderr
status=$?
set -e
awk 'BEGIN { n = 0; k = 0 } NR == FNR { if ($1 == "@count") counts[n++] = $2; else if ($1 == "@error") print "@plugin-" substr($0, 2); next }
	$1 == "@region" { print $0, (k < n ? counts[k] : "?"); k++; next }
	{ print }' "$tmp/counts" "$tmp/report"
exit $status
