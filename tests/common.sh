# Shared helpers for the dump test programs (sourced by atf-sh tests).
# Trees are generated here, imaged with makefs(8), dumped, restored with
# Debian's restore(8) and compared with the source tree.

# The dump binary under test: the kyua config variable, else the build.
dump_bin()
{
	atf_config_get dump_bin "$(atf_get_srcdir)/../dump"
}

require_tools()
{
	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 ||
		    atf_skip "$t is not installed"
	done
}

# rand_file PATH BYTES: a file of random bytes.
rand_file()
{
	head -c "$2" /dev/urandom >"$1"
}

# sparse_file PATH SIZE OFFSET...: SIZE bytes, random 1000-byte runs at the
# given offsets, holes elsewhere (in the source tree; makefs may fill them).
sparse_file()
{
	_p=$1 _s=$2
	shift 2
	: >"$_p"
	for _o in "$@"; do
		head -c 1000 /dev/urandom |
		    dd of="$_p" bs=1 seek="$_o" conv=notrunc 2>/dev/null
	done
	truncate -s "$_s" "$_p"
}

# make_tree DIR BSIZE FSIZE UFSVERSION: a tree with the hard cases for
# that geometry.  Needs root for devices and owners.
make_tree()
{
	_d=$1 _b=$2 _f=$3 _v=$4
	if [ "$_v" = 1 ]; then _n=$((_b / 4)); _sl=60; else _n=$((_b / 8)); _sl=120; fi
	mkdir -p "$_d/sizes" "$_d/sparse" "$_d/links" "$_d/special" "$_d/modes"
	for _s in 0 1 1023 1024 1025 $((_f - 1)) "$_f" $((_f + 1)) \
	    $((_b - 1)) "$_b" $((_b + 1)) $((12 * _b - 1)) $((12 * _b)) \
	    $((12 * _b + 1)) $((12 * _b + _f + 5)); do
		rand_file "$_d/sizes/s$_s" "$_s"
	done
	# Just past the single indirect range: the double indirect block.
	rand_file "$_d/sizes/dbl" $(((12 + _n) * _b + 3 * _b + 17))
	sparse_file "$_d/sparse/start" $((20 * _b)) $((15 * _b))
	sparse_file "$_d/sparse/middle" $((20 * _b)) 0 $((19 * _b))
	sparse_file "$_d/sparse/end" $((20 * _b)) 0
	# Symlinks just under, at and over the inline limit.
	ln -s "$(printf '%*s' $((_sl - 1)) '' | tr ' ' a)" "$_d/links/under"
	ln -s "$(printf '%*s' "$_sl" '' | tr ' ' b)" "$_d/links/at"
	ln -s "$(printf '%*s' $((_sl + 1)) '' | tr ' ' c)" "$_d/links/over"
	ln -s "$(printf '%*s' 1000 '' | tr ' ' d)" "$_d/links/long"
	ln -s ../sizes/s1 "$_d/links/rel"
	echo hard >"$_d/links/h1"
	ln "$_d/links/h1" "$_d/links/h2"
	ln "$_d/links/h1" "$_d/sizes/h3"
	# Debian restore 0.4b47 garbles 255-byte names (tests/README), so
	# the restored tree gets a 254-byte one; t_format checks 255 on tape.
	echo long >"$_d/$(printf '%*s' 254 '' | tr ' ' n)"
	_p=$_d/deep
	for _i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		_p=$_p/d$_i
	done
	mkdir -p "$_p"
	echo bottom >"$_p/file"
	mkdir "$_d/wide"
	_i=0
	while [ $_i -lt 300 ]; do
		echo "$_i" >"$_d/wide/entry-with-a-longer-name-$_i"
		_i=$((_i + 1))
	done
	# Special files, owners, modes, times.
	mkfifo "$_d/special/fifo"
	mknod "$_d/special/chr" c 4 5
	mknod "$_d/special/blk" b 8 300
	chown 1234:567 "$_d/special/fifo" "$_d/sizes/s1"
	chown 65534:65534 "$_d/links/h1"
	for _m in 4755 2755 1777 0000 0444 6711; do
		echo "$_m" >"$_d/modes/m$_m"
		chmod "$_m" "$_d/modes/m$_m"
	done
	mkdir "$_d/modes/sticky"
	chmod 1777 "$_d/modes/sticky"
	touch -d '1971-02-03 04:05:06' "$_d/modes/m0444"
	touch -d '2037-12-31 23:59:59' "$_d/modes/m4755"
	touch -h -d '1999-09-09 09:09:09' "$_d/links/rel"
}

# make_image IMG DIR VERSION ENDIAN [makefs -o extras]
make_image()
{
	_o="version=$3"
	[ -n "${5:-}" ] && _o="$_o,$5"
	makefs -t ffs -M 1m -b 10% -B "$4" -o "$_o" "$1" "$2" >makefs.log 2>&1 ||
	    atf_fail "makefs failed: $(tail -3 makefs.log)"
}

# manifest DIR: one line per entry (not the top directory itself): path,
# type, mode, owner, size of files, mtime in seconds, link target, device
# numbers, checksum, and the first path of its hard-link group.
manifest()
{
	(
	cd "$1" || exit 1
	find . -mindepth 1 ! -name restoresymtable -printf '%i %P\n' |
	    sort -k2 | awk '{ if (!($1 in g)) g[$1] = $2; print $2 "\t" g[$1] }' \
	    >/tmp/manifest.$$.links
	find . -mindepth 1 ! -name restoresymtable | LC_ALL=C sort |
	while IFS= read -r _e; do
		_t=$(stat -c '%F|%a|%u:%g' "$_e")
		case $_t in
		regular*) _x="$(stat -c '%s|%Y' "$_e")|$(md5sum <"$_e" | cut -c1-32)" ;;
		directory*) _x="$(stat -c '%Y' "$_e")" ;;
		symbolic*) _x="$(readlink "$_e")" ;;
		*special*) _x="$(stat -c '%Y|%t,%T' "$_e")" ;;
		*) _x="$(stat -c '%Y' "$_e")" ;;
		esac
		_g=$(awk -F '\t' -v p="${_e#./}" '$1 == p { print $2 }' \
		    /tmp/manifest.$$.links)
		printf '%s|%s|%s|%s\n' "${_e#./}" "$_t" "$_x" "$_g"
	done
	rm -f /tmp/manifest.$$.links
	)
}

# restore_into DUMPFILE DIR: restore -r the dump into an empty DIR.
restore_into()
{
	mkdir -p "$2"
	(cd "$2" && restore -r -y -f - <"$1") >restore.log 2>&1 ||
	    atf_fail "restore -r failed: $(grep -v Converting restore.log | tail -3)"
}

# compare_trees SRC RESTORED
compare_trees()
{
	manifest "$1" >src.manifest
	manifest "$2" >rst.manifest
	if ! diff src.manifest rst.manifest >manifest.diff; then
		head -20 manifest.diff
		atf_fail "restored tree differs from the source ($(wc -l <manifest.diff) lines)"
	fi
}

# dump_ok ARGS...: run dump, require exit 0 and DUMP IS DONE.
dump_ok()
{
	"$(dump_bin)" "$@" 2>dump.log
	_rc=$?
	if [ $_rc -ne 0 ] || ! grep -q 'DUMP IS DONE$' dump.log; then
		tail -5 dump.log
		atf_fail "dump $* exited $_rc"
	fi
}

# shared_image NAME OUT: decompress /work/shared/images/NAME.img.zst (or
# $DUMP_IMAGES/NAME.img.zst) to OUT, writable; skip if it is not there.
shared_image()
{
	_z=${DUMP_IMAGES:-/work/shared/images}/$1.img.zst
	[ -r "$_z" ] || atf_skip "$_z is not available"
	require_tools zstd
	zstd -d -q -f -o "$2" "$_z" || atf_fail "cannot decompress $_z"
	chmod u+w "$2"
}

# le_get BYTES IMG OFFSET: the unsigned little-endian integer there.
le_get()
{
	od -An -t "u$1" -j "$3" -N "$1" "$2" | tr -d ' \n'
}

# le_put BYTES IMG OFFSET VALUE: overwrite it with VALUE, little-endian.
le_put()
{
	_n=$1 _v=$4 _s=
	while [ "$_n" -gt 0 ]; do
		_s="$_s$(printf '\\%03o' $((_v & 255)))"
		_v=$((_v >> 8))
		_n=$((_n - 1))
	done
	printf '%b' "$_s" | dd of="$2" bs=1 seek="$3" conv=notrunc 2>/dev/null ||
	    atf_fail "cannot patch $2 at $3"
}

# dump_expect RC REGEX ARGS...: run dump with ARGS; require exit status RC
# and exactly one message line matching the extended REGEX.
dump_expect()
{
	_want=$1 _re=$2
	shift 2
	"$(dump_bin)" "$@" >dump.out 2>dump.log
	_rc=$?
	_n=$(grep -Ec -- "$_re" dump.log)
	if [ "$_n" -ne 1 ]; then
		tail -8 dump.log
		atf_fail "$_n lines match \"$_re\" (want exactly 1)"
	fi
	if [ "$_rc" -ne "$_want" ]; then
		tail -5 dump.log
		atf_fail "dump exited $_rc, expected $_want"
	fi
	if grep -q 'Sanitizer\|runtime error' dump.log; then
		grep -m3 'Sanitizer\|runtime error' dump.log
		atf_fail "sanitizer report"
	fi
}
