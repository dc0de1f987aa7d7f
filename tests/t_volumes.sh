#! /usr/bin/env atf-sh
# Multiple volumes: end of media at every kind of boundary, -B and -f
# lists, a full tmpfs, the operator's questions on a terminal (expect),
# rewriting a failed volume, -n, -l, signals and the size estimate.
# Every set is restored with Debian restore and compared with the tree.

. "$(atf_get_srcdir)/common.sh"

# A small tree: one file spanning many small volumes, many small files.
small_tree()
{
	mkdir -p "$1/d" "$1/e/f"
	rand_file "$1/big" 200000
	_i=1
	while [ $_i -le 40 ]; do
		rand_file "$1/d/f$_i" $((_i * 37))
		_i=$((_i + 1))
	done
	ln -s big "$1/lnk"
	ln "$1/d/f3" "$1/e/hard"
}

small_image()
{
	require_tools makefs restore
	small_tree src
	make_image fs.img src 2 le
}

# The write shim that ends or breaks the medium (tests/shim/wshim.c).
build_shim()
{
	require_tools cc
	# An ASan build of dump must accept a preloaded library.
	ASAN_OPTIONS="verify_asan_link_order=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
	export ASAN_OPTIONS
	cc -shared -fPIC -O2 -o wshim.so "$(atf_get_srcdir)/shim/wshim.c" \
	    -ldl 2>shim.log || atf_fail "cannot build the shim: $(head -3 shim.log)"
}

# names PREFIX N: PREFIX1,PREFIX2,...,PREFIXN
names()
{
	_l=''
	_i=1
	while [ "$_i" -le "$2" ]; do
		_l="$_l${_l:+,}$1$_i"
		_i=$((_i + 1))
	done
	echo "$_l"
}

# restore_set DIR RECORD VOL1 [VOL...]: restore -r a volume set into DIR,
# naming the later volumes at restore's prompts, and compare with src.
restore_set()
{
	_dir=$1 _b=$2 _first=$3
	shift 3
	: >answers
	for _v in "$@"; do
		echo "$_v" >>answers
	done
	mkdir -p "$_dir"
	# setsid: no controlling terminal, so restore reads the answers.
	(cd "$_dir" && setsid -w restore -r -b "$_b" -f "$_first" \
	    <"$OLDPWD/answers") >restore.log 2>&1 ||
	    atf_fail "restore of the set failed: $(grep -v -e Converting -e 'Mount tape' -e Enter -e otherwise restore.log | tail -3)"
	compare_trees src "$_dir"
}

# vols PREFIX: the volume files PREFIX1, PREFIX2, ... that exist, in order.
vols()
{
	_i=1
	while [ -e "$1$_i" ]; do
		echo "$1$_i"
		_i=$((_i + 1))
	done
}

# no_leftovers: no process still runs with this test's directory in its
# command line (dump, its volume writers and slaves all name it).
no_leftovers()
{
	sleep 1
	if pgrep -f "$PWD/" >/dev/null 2>&1; then
		pgrep -af "$PWD/" | head -5
		atf_fail "processes left running"
	fi
}

# eom_dump N LIMIT MODE NTREC: dump fs.img with -b NTREC through the write
# shim to s$N/vol1, s$N/vol2, ..., each volume ending after LIMIT bytes
# (MODE: enospc or zero); the log is s$N.log.
eom_dump()
{
	mkdir "s$1"
	WSHIM_MATCH="/s$1/vol" WSHIM_LIMIT=$2 WSHIM_MODE=$3 \
	    LD_PRELOAD=$PWD/wshim.so "$(dump_bin)" -0 -b "$4" \
	    -f "$(names "$PWD/s$1/vol" 200)" fs.img </dev/null >"s$1.log" 2>&1 ||
	    atf_fail "limit $2 $3 -b $4: dump exited $?: $(tail -2 "s$1.log")"
}

atf_test_case eom_sweep
eom_sweep_head()
{
	atf_set descr "end of media at, just after, inside and just before record boundaries (ENOSPC, short and zero writes), -b 1, 10, 64, and inside the second and third slave's batch"
	atf_set timeout 600
}
eom_sweep_body()
{
	small_image
	build_shim
	n=0
	for c in "20480 enospc 10" "20481 enospc 10" "25600 enospc 10" \
	    "30719 enospc 10" "30720 zero 10" "51200 enospc 10" \
	    "9000 enospc 1" "3072 zero 1" "140000 enospc 64" \
	    "196607 zero 64" "65537 enospc 32" "100000 enospc 1" \
	    "200000 zero 1" "150000 enospc 2"; do
		# shellcheck disable=SC2086
		set -- $c
		n=$((n + 1))
		eom_dump "$n" "$1" "$2" "$3"
		grep -q 'DUMP IS DONE$' "s$n.log" ||
		    atf_fail "limit $1 $2: no DUMP IS DONE"
		# Every volume holds whole records only.
		for v in $(vols "$PWD/s$n/vol"); do
			[ $(($(stat -c %s "$v") % ($3 * 1024))) -eq 0 ] ||
			    atf_fail "limit $1 $2: $v is not whole records"
		done
		# shellcheck disable=SC2046
		restore_set "r$n" "$3" $(vols "$PWD/s$n/vol")
	done
}

atf_test_case eom_tape
eom_tape_head()
{
	atf_set descr "end of media on a device (a write per record, as on a tape): at a record inside the first, second and third slave's batch"
	atf_set timeout 300
}
eom_tape_body()
{
	small_image
	build_shim
	# The shim's fstat makes the volumes look like character devices.
	WSHIM_CHR=1
	export WSHIM_CHR
	n=0
	for c in "20480 enospc 10" "30720 zero 10" "131072 enospc 64" \
	    "40960 enospc 1" "100352 zero 1" "153600 enospc 1" \
	    "151552 enospc 2"; do
		# shellcheck disable=SC2086
		set -- $c
		n=$((n + 1))
		eom_dump "$n" "$1" "$2" "$3"
		grep -q 'End of media' "s$n.log" ||
		    atf_fail "limit $1 $2 -b $3: the medium never ended"
		# shellcheck disable=SC2046
		restore_set "r$n" "$3" $(vols "$PWD/s$n/vol")
	done
}

atf_test_case eom_in_trailer
eom_in_trailer_head()
{
	atf_set descr "end of media in the last records (the TS_END ones) rolls them forward too"
}
eom_in_trailer_body()
{
	small_image
	build_shim
	dump_ok -0 -f whole.dump fs.img
	total=$(stat -c %s whole.dump)
	n=0
	for lim in $((total - 10240)) $((total - 1)) $((total - 25000)) \
	    $((total - 30720)); do
		n=$((n + 1))
		mkdir "s$n"
		WSHIM_MATCH="/s$n/vol" WSHIM_LIMIT=$lim \
		    LD_PRELOAD=$PWD/wshim.so "$(dump_bin)" -0 \
		    -f "$(names "$PWD/s$n/vol" 5)" fs.img </dev/null \
		    >"s$n.log" 2>&1 || atf_fail "limit $lim: dump failed: $(tail -2 "s$n.log")"
		[ -e "s$n/vol2" ] || atf_fail "limit $lim: no second volume"
		# shellcheck disable=SC2046
		restore_set "r$n" 10 $(vols "$PWD/s$n/vol")
	done
}

atf_test_case blocks_per_volume
blocks_per_volume_head()
{
	atf_set descr "-B sizes every volume; a -f list is used in turn without questions"
}
blocks_per_volume_body()
{
	small_image
	"$(dump_bin)" -0 -B 64 -b 8 -f "$(names "$PWD/v" 9)" fs.img \
	    </dev/null 2>dump.log || atf_fail "dump -B failed: $(tail -3 dump.log)"
	# shellcheck disable=SC2046
	set -- $(vols "$PWD/v")
	[ $# -ge 3 ] || atf_fail "expected several volumes, got $#"
	last=$(eval echo "\${$#}")
	for v in "$@"; do
		s=$(stat -c %s "$v")
		if [ "$v" = "$last" ]; then
			[ "$s" -le 65536 ] || atf_fail "$v: $s bytes > -B 64"
		else
			[ "$s" -eq 65536 ] || atf_fail "$v: $s bytes, not 64 KB"
		fi
	done
	grep -q 'Change Volumes' dump.log && atf_fail "asked for a volume the list named"
	restore_set r 8 "$@"
}

atf_test_case end_fills_volume
end_fills_volume_head()
{
	atf_set descr "a dump that ends exactly at the end of a -B volume takes no further volume"
}
end_fills_volume_body()
{
	small_image
	for b in 1 8; do
		dump_ok -0 -b "$b" -f "whole$b.dump" fs.img
		kb=$(($(stat -c %s "whole$b.dump") / 1024))
		mkdir "s$b"
		"$(dump_bin)" -0 -b "$b" -B "$kb" -f "$(names "$PWD/s$b/vol" 2)" \
		    fs.img </dev/null >"s$b.log" 2>&1 ||
		    atf_fail "-b $b -B $kb: dump failed: $(tail -2 "s$b.log")"
		[ -e "s$b/vol2" ] && atf_fail "-b $b -B $kb: a second volume was started"
		[ "$(stat -c %s "s$b/vol1")" -eq $((kb * 1024)) ] ||
		    atf_fail "-b $b -B $kb: the volume is not the whole dump"
		restore_set "r$b" "$b" "$PWD/s$b/vol1"
	done
}

atf_test_case tape_length
tape_length_head()
{
	atf_set descr "-s and -d size volumes by tape length: records cost bytes/density plus an inter-record gap"
}
tape_length_body()
{
	small_image
	# 10 feet at 1600 bpi: 1200 tenths of an inch; a 10 KB record costs
	# 10240 / 160 = 64 tenths plus a gap of 8; a volume ends once more
	# than the length is used, so it holds ceil(1200 / 72) records.
	recs=$(( (1200 + 71) / 72 ))
	"$(dump_bin)" -0 -s 10 -d 1600 -f "$(names "$PWD/v" 9)" fs.img \
	    </dev/null 2>dump.log || atf_fail "dump -s failed: $(tail -3 dump.log)"
	[ "$(stat -c %s "$PWD/v1")" -eq $((recs * 10240)) ] ||
	    atf_fail "volume 1 has $(stat -c %s "$PWD/v1") bytes, expected $((recs * 10240))"
	# shellcheck disable=SC2046
	restore_set r 10 $(vols "$PWD/v")
	# -c: a cartridge at 8000 bpi (800 bytes per tenth) with a gap of
	# 16 tenths per record: 12.8 + 16 = 28.8 tenths a record, 5 feet.
	recs=$(( (6000 + 287) / 288 ))
	"$(dump_bin)" -0 -c -b 10 -s 5 -f "$(names "$PWD/c" 9)" fs.img \
	    </dev/null 2>dumpc.log || atf_fail "dump -c failed: $(tail -3 dumpc.log)"
	[ "$(stat -c %s "$PWD/c1")" -eq $((recs * 10240)) ] ||
	    atf_fail "cartridge volume 1 has $(stat -c %s "$PWD/c1") bytes, expected $((recs * 10240))"
}

atf_test_case tmpfs_full cleanup
tmpfs_full_head()
{
	atf_set descr "real ENOSPC on small tmpfs mounts rolls forward across a -f list"
	atf_set require.user root
}
tmpfs_full_body()
{
	small_image
	mkdir m1 m2
	mount -t tmpfs -o size=64k tmpfs m1 2>/dev/null ||
	    atf_skip "cannot mount tmpfs here"
	mount -t tmpfs -o size=96k tmpfs m2 || atf_fail "second tmpfs"
	"$(dump_bin)" -0 -f "$PWD/m1/v1,$PWD/m2/v2,$PWD/v3" fs.img \
	    </dev/null 2>dump.log || atf_fail "dump failed: $(tail -3 dump.log)"
	grep -q 'End of media on .*m1/v1' dump.log ||
	    atf_fail "the first tmpfs did not fill up"
	restore_set r 10 "$PWD/m1/v1" "$PWD/m2/v2" "$PWD/v3"
	umount m1 m2 || atf_fail "cannot unmount the tmpfs mounts"
}
tmpfs_full_cleanup()
{
	umount m1 2>/dev/null
	umount m2 2>/dev/null
	true
}

atf_test_case no_terminal
no_terminal_head()
{
	atf_set descr "without a terminal the volume question aborts with exit 3, leaving whole records and no process"
}
no_terminal_body()
{
	small_image
	build_shim
	WSHIM_MATCH=/out WSHIM_LIMIT=50000 LD_PRELOAD=$PWD/wshim.so \
	    setsid -w "$(dump_bin)" -0 -f "$PWD/out" fs.img </dev/null \
	    2>dump.log
	rc=$?
	[ $rc -eq 3 ] || atf_fail "exit status $rc, expected 3"
	grep -q 'Change Volumes: Mount volume #2' dump.log ||
	    atf_fail "no Change Volumes message"
	grep -q 'no terminal' dump.log || atf_fail "no word about the terminal"
	grep -q 'DUMP IS DONE' dump.log && atf_fail "claims to be done"
	[ $(($(stat -c %s out) % 10240)) -eq 0 ] ||
	    atf_fail "the volume ends in a partial record"
	no_leftovers
}

# run_expect SCRIPT: run an expect script, fail on a non-zero exit.
run_expect()
{
	require_tools expect
	expect -f "$1" >expect.log 2>&1 ||
	    atf_fail "expect: $(tail -5 expect.log)"
}

atf_test_case change_volumes
change_volumes_head()
{
	atf_set descr "the Change Volumes prompt on a terminal: a bad answer is asked again, yes goes on; the set restores; with -l and one file, the operator is asked too"
}
change_volumes_body()
{
	small_image
	build_shim
	for lflag in "" "-l 1"; do
	rm -f "$PWD"/vol* "$PWD/out"
	cat >cv.exp <<EOT
set timeout 60
set n 1
set asked 0
set env(WSHIM_MATCH) /out
set env(WSHIM_LIMIT) 60000
set env(LD_PRELOAD) $PWD/wshim.so
spawn $(dump_bin) -0 $lflag -f $PWD/out fs.img
expect {
	"ready to go?*(\"yes\" or \"no\") " {
		if {\$asked == 0} {
			incr asked
			send "perhaps\r"
			exp_continue
		}
		exec mv $PWD/out $PWD/vol\$n
		incr n
		send "yes\r"
		exp_continue
	}
	"\"Yes\" or \"No\"?" { exp_continue }
	"DUMP IS DONE" { }
	timeout { exit 2 }
	eof { exit 3 }
}
expect eof
lassign [wait] pid spawnid os rc
exit \$rc
EOT
	run_expect cv.exp
	grep -q '"Yes" or "No"?' expect.log || atf_fail "a bad answer was not asked again"
	# shellcheck disable=SC2046
	set -- $(vols "$PWD/vol") "$PWD/out"
	[ $# -ge 3 ] || atf_fail "expected several volumes, got $#"
	rm -rf r
	restore_set r 10 "$@"
	done
}

atf_test_case abort_at_prompt
abort_at_prompt_head()
{
	atf_set descr "answering no, then yes to abort, ends with exit 3 and no process left"
}
abort_at_prompt_body()
{
	small_image
	build_shim
	cat >ab.exp <<EOT
set timeout 60
set env(WSHIM_MATCH) /out
set env(WSHIM_LIMIT) 60000
set env(LD_PRELOAD) $PWD/wshim.so
spawn $(dump_bin) -0 -f $PWD/out fs.img
expect "ready to go?*(\"yes\" or \"no\") " { send "no\r" } timeout { exit 2 }
expect "abort?*(\"yes\" or \"no\") " { send "yes\r" } timeout { exit 2 }
expect eof
lassign [wait] pid spawnid os rc
exit \$rc
EOT
	require_tools expect
	expect -f ab.exp >expect.log 2>&1
	rc=$?
	[ $rc -eq 3 ] || atf_fail "exit status $rc, expected 3: $(tail -3 expect.log)"
	grep -q 'The ENTIRE dump is aborted' expect.log || atf_fail "no abort message"
	no_leftovers
}

atf_test_case interrupt_at_prompt
interrupt_at_prompt_head()
{
	atf_set descr "^C at the Change Volumes prompt asks at once whether to abort: no asks the volume question again, yes aborts with exit 3"
}
interrupt_at_prompt_body()
{
	small_image
	build_shim
	cat >ip.exp <<EOT
set timeout 15
set env(WSHIM_MATCH) /out
set env(WSHIM_LIMIT) 60000
set env(LD_PRELOAD) $PWD/wshim.so
spawn $(dump_bin) -0 -f $PWD/out fs.img
expect "ready to go?*(\"yes\" or \"no\") " { send "\003" } timeout { exit 2 }
expect "Interrupt received" {} timeout { exit 4 }
expect "abort dump?*(\"yes\" or \"no\") " { send "no\r" } timeout { exit 5 }
expect "ready to go?*(\"yes\" or \"no\") " {
	exec mv $PWD/out $PWD/vol1
	send "yes\r"
} timeout { exit 6 }
expect "ready to go?*(\"yes\" or \"no\") " { send "\003" } timeout { exit 7 }
expect "abort dump?*(\"yes\" or \"no\") " { send "yes\r" } timeout { exit 8 }
expect eof
lassign [wait] pid spawnid os rc
exit \$rc
EOT
	require_tools expect
	expect -f ip.exp >expect.log 2>&1
	rc=$?
	[ $rc -eq 3 ] || atf_fail "exit status $rc, expected 3: $(tail -3 expect.log)"
	[ "$(grep -c 'Interrupt received' expect.log)" -eq 2 ] ||
	    atf_fail "not asked once per ^C: $(grep -c 'Interrupt received' expect.log)"
	grep -q 'The ENTIRE dump is aborted' expect.log || atf_fail "no abort message"
	grep -q 'DUMP IS DONE' expect.log && atf_fail "claims to be done"
	no_leftovers
}

atf_test_case killed_at_prompt
killed_at_prompt_head()
{
	atf_set descr "kill -9 of the top process while the operator is asked: the process asking ends within 2 s, -u records nothing"
}
killed_at_prompt_body()
{
	small_image
	build_shim
	printf '%-16s 0 Thu Nov 26 07:13:43 2026\n' /dev/other >dumpdates
	sum=$(md5sum <dumpdates)
	# A shell leads the terminal's session and outlives the top process
	# by a while, so that the terminal is not hung up (which would send
	# SIGHUP to the process asking).
	cat >kp.exp <<EOT
set timeout 15
set env(WSHIM_MATCH) /out
set env(WSHIM_LIMIT) 60000
set env(LD_PRELOAD) $PWD/wshim.so
spawn sh -c "$(dump_bin) -0u -D $PWD/dumpdates -f $PWD/out fs.img & echo TOP=\\\$!; wait; sleep 20"
expect -re "TOP=(\[0-9\]+)" { set top \$expect_out(1,string) } timeout { exit 2 }
expect "ready to go?*(\"yes\" or \"no\") " { exec kill -9 \$top } timeout { exit 3 }
set timeout 3
expect "has ended" {} timeout { exit 4 } eof { exit 5 }
expect "The ENTIRE dump is aborted" {} timeout { exit 6 } eof { exit 7 }
exit 0
EOT
	run_expect kp.exp
	grep -q 'The ENTIRE dump is aborted' expect.log || atf_fail "no abort message"
	[ "$(md5sum <dumpdates)" = "$sum" ] || atf_fail "dumpdates changed: $(cat dumpdates)"
	no_leftovers
}

atf_test_case rewrite_volume
rewrite_volume_head()
{
	atf_set descr "a write error on volume 2, answered with rewrite, gives a correct set"
}
rewrite_volume_body()
{
	small_image
	build_shim
	list=$(names "$PWD/vol" 12)
	cat >rw.exp <<EOT
set timeout 60
set env(WSHIM_MATCH) /vol
set env(WSHIM_LIMIT) 61440
set env(WSHIM_EIO) /vol2
set env(WSHIM_EIO_MARK) $PWD/eio.done
set env(LD_PRELOAD) $PWD/wshim.so
spawn $(dump_bin) -0 -f $list fs.img
expect "rewrite this volume?*(\"yes\" or \"no\") " { send "yes\r" } timeout { exit 2 }
expect "ready to go?*(\"yes\" or \"no\") " { send "yes\r" } timeout { exit 2 }
expect "DUMP IS DONE" {} timeout { exit 2 } eof { exit 3 }
expect eof
lassign [wait] pid spawnid os rc
exit \$rc
EOT
	run_expect rw.exp
	[ -e eio.done ] || atf_fail "the write error was never injected"
	grep -q 'write error' expect.log || atf_fail "no write error message"
	# shellcheck disable=SC2046
	restore_set r 10 $(vols "$PWD/vol")
}

atf_test_case notify_operators
notify_operators_head()
{
	atf_set descr "-n sends the operators a message through wall -g operator"
}
notify_operators_body()
{
	small_image
	mkdir bin
	cat >bin/wall <<EOT
#!/bin/sh
echo "args: \$*" >>$PWD/wall.log
cat >>$PWD/wall.log
EOT
	chmod +x bin/wall
	PATH=$PWD/bin:$PATH "$(dump_bin)" -0 -n -f out fs.img 2>dump.log ||
	    atf_fail "dump -n failed"
	grep -q 'args: -g operator' wall.log || atf_fail "wall not called for group operator"
	grep -q 'NEEDS ATTENTION: DUMP IS DONE' wall.log ||
	    atf_fail "no DUMP IS DONE message: $(cat wall.log)"
	"$(dump_bin)" -0 -f out2 fs.img 2>dump2.log
	[ "$(grep -c 'args:' wall.log)" -eq 1 ] || atf_fail "wall called without -n"
}

# slow_fifo: a named pipe read slowly, so the dump takes a while.
slow_fifo()
{
	mkfifo fifo
	(sleep 3; cat fifo >/dev/null) &
	reader=$!
	echo "$reader" >reader.pid
}

atf_test_case status_signal
status_signal_head()
{
	atf_set descr "SIGUSR1 prints the percent done and time left (to the writer through its checkpoint parent)"
}
status_signal_body()
{
	require_tools makefs
	mkdir src
	rand_file src/a 3000000
	make_image fs.img src 2 le
	slow_fifo
	"$(dump_bin)" -0 -f "$PWD/fifo" fs.img 2>dump.log &
	pid=$!
	sleep 1.5
	kill -USR1 "$pid"
	wait "$pid" || atf_fail "dump failed: $(tail -3 dump.log)"
	wait "$(cat reader.pid)"
	grep -q '% done' dump.log || atf_fail "no status line: $(tail -5 dump.log)"
}

atf_test_case terminate
terminate_head()
{
	atf_set descr "SIGTERM and, without a terminal, SIGINT abort with exit 3 and leave no process"
}
terminate_body()
{
	require_tools makefs
	mkdir src
	rand_file src/a 3000000
	make_image fs.img src 2 le
	for sig in TERM INT; do
		rm -f fifo
		slow_fifo
		setsid -w "$(dump_bin)" -0 -f "$PWD/fifo" fs.img </dev/null \
		    2>"$sig.log" &
		pid=$!
		sleep 1.5
		# The whole process group, as a terminal or kill(1) of a
		# job would; SIGTERM to the top process alone also works.
		if [ "$sig" = INT ]; then
			pkill -INT -f "$PWD/fifo"
		else
			kill -TERM "$pid"
		fi
		wait "$pid"
		rc=$?
		kill "$(cat reader.pid)" 2>/dev/null
		wait "$(cat reader.pid)" 2>/dev/null
		[ $rc -eq 3 ] || atf_fail "SIG$sig: exit $rc, expected 3: $(tail -3 "$sig.log")"
		grep -q 'DUMP IS DONE' "$sig.log" && atf_fail "SIG$sig: claims done"
		no_leftovers
	done
}

# stalled_fifo: a named pipe whose reader holds it open and never reads,
# so the slaves block in write(2); its pid is in reader.pid.
stalled_fifo()
{
	rm -f fifo
	mkfifo fifo
	# shellcheck disable=SC2217
	sleep 120 <fifo &
	echo $! >reader.pid
}

atf_test_case interrupt_top cleanup
interrupt_top_head()
{
	atf_set descr "SIGINT sent to the top process alone, without a terminal, aborts the dump (exit 3), while volume 1 and while volume 2 is written"
}
interrupt_top_body()
{
	require_tools makefs setsid
	mkdir src
	rand_file src/a 3000000
	make_image fs.img src 2 le
	for out in "-f $PWD/fifo" "-B 2000 -f $PWD/v1,$PWD/fifo"; do
		rm -f fifo v1
		mkfifo fifo
		# The reader drains the pipe after 3 s, so a dump that takes
		# no notice of the signal ends, with exit 0.
		{ sleep 3; cat >/dev/null; } <fifo &
		echo $! >reader.pid
		# shellcheck disable=SC2086
		setsid "$(dump_bin)" -0 $out fs.img </dev/null 2>int.log &
		pid=$!
		sleep 1.5
		kill -INT "$pid"
		wait "$pid"
		rc=$?
		wait "$(cat reader.pid)" 2>/dev/null
		[ $rc -eq 3 ] || atf_fail "$out: exit $rc, expected 3: $(tail -3 int.log)"
		grep -q 'Interrupt received' int.log || atf_fail "$out: not asked"
		grep -q 'The ENTIRE dump is aborted' int.log ||
		    atf_fail "$out: no abort message"
		grep -q 'DUMP IS DONE' int.log && atf_fail "$out: claims done"
		no_leftovers
	done
}
interrupt_top_cleanup()
{
	[ -f reader.pid ] && kill "$(cat reader.pid)" 2>/dev/null
	:
}

atf_test_case interrupt_top_tty cleanup
interrupt_top_tty_head()
{
	atf_set descr "SIGINT to the top process alone asks on the terminal (no goes on, yes aborts with exit 3), while volume 2 is written; a SIGINT to the whole process group asks once"
}
interrupt_top_tty_body()
{
	require_tools makefs expect
	mkdir src
	rand_file src/a 3000000
	make_image fs.img src 2 le
	stalled_fifo
	cat >it.exp <<EOT
set timeout 20
spawn $(dump_bin) -0 -B 2000 -f $PWD/v1,$PWD/fifo fs.img
set top [exp_pid]
sleep 2
exec kill -INT \$top
expect "abort dump?*(\"yes\" or \"no\") " { send "no\r" } timeout { exit 2 }
sleep 1
exec kill -INT -- -\$top
expect "abort dump?*(\"yes\" or \"no\") " { send "no\r" } timeout { exit 4 }
set timeout 3
expect "abort dump?" { exit 5 } timeout {}
set timeout 20
exec kill -INT \$top
expect "abort dump?*(\"yes\" or \"no\") " { send "yes\r" } timeout { exit 6 }
expect eof
lassign [wait] pid spawnid os rc
exit \$rc
EOT
	expect -f it.exp >expect.log 2>&1
	rc=$?
	kill "$(cat reader.pid)" 2>/dev/null
	[ $rc -eq 3 ] || atf_fail "exit $rc, expected 3: $(tail -3 expect.log)"
	[ "$(grep -c 'Interrupt received' expect.log)" -eq 3 ] ||
	    atf_fail "asked $(grep -c 'Interrupt received' expect.log) times, not 3"
	[ -s v1 ] || atf_fail "volume 1 was not written"
	grep -q 'The ENTIRE dump is aborted' expect.log || atf_fail "no abort message"
	no_leftovers
}
interrupt_top_tty_cleanup()
{
	[ -f reader.pid ] && kill "$(cat reader.pid)" 2>/dev/null
	:
}

atf_test_case no_overwrite
no_overwrite_head()
{
	atf_set descr "with -l and one output file, or a list naming a file twice, a volume file already written is not overwritten without the operator: no terminal, exit 3, volume 1 intact"
}
no_overwrite_body()
{
	small_image
	for c in "-l 1 -f $PWD/out" "-f $PWD/out,$PWD/other,$PWD/out"; do
		rm -f out other
		# shellcheck disable=SC2086
		setsid -w "$(dump_bin)" -0 -B 64 -b 8 $c fs.img </dev/null \
		    2>dump.log
		rc=$?
		[ $rc -eq 3 ] || atf_fail "$c: exit $rc, expected 3: $(tail -2 dump.log)"
		grep -q "$PWD/out holds volume 1 of this dump" dump.log ||
		    atf_fail "$c: no message: $(tail -3 dump.log)"
		grep -q 'DUMP IS DONE' dump.log && atf_fail "$c: claims done"
		# Volume 1 is whole: -B long, its header says volume 1 (c_volume
		# is at byte 12), and it lists the tree.
		[ "$(stat -c %s out)" -eq 65536 ] ||
		    atf_fail "$c: out is $(stat -c %s out) bytes, not 64 KB"
		[ "$(le_get 4 out 12)" -eq 1 ] ||
		    atf_fail "$c: out holds volume $(le_get 4 out 12)"
		(cd src && find . | LC_ALL=C sort) >want.list
		setsid -w restore -t -b 8 -f out </dev/null 2>/dev/null |
		    awk '$1 ~ /^[0-9]+$/ { print $2 }' | LC_ALL=C sort >got.list
		diff want.list got.list >list.diff ||
		    atf_fail "$c: volume 1 does not list the tree: $(head -5 list.diff)"
	done
}

atf_test_case interrupt_yes
interrupt_yes_head()
{
	atf_set descr "^C on the terminal asks whether to abort; no goes on, yes aborts with exit 3 and no process left"
}
interrupt_yes_body()
{
	require_tools makefs expect
	mkdir src
	rand_file src/a 3000000
	make_image fs.img src 2 le
	mkfifo fifo
	cat >in.exp <<EOT
set timeout 60
spawn sh -c "(sleep 2; cat $PWD/fifo >/dev/null) & exec $(dump_bin) -0 -f $PWD/fifo fs.img"
sleep 1
send "\\003"
expect "abort dump?*(\"yes\" or \"no\") " { send "no\r" } timeout { exit 2 }
sleep 0.5
send "\\003"
expect "abort dump?*(\"yes\" or \"no\") " { send "yes\r" } timeout { exit 2 }
expect eof
lassign [wait] pid spawnid os rc
exit \$rc
EOT
	expect -f in.exp >expect.log 2>&1
	rc=$?
	[ $rc -eq 3 ] || atf_fail "exit $rc, expected 3: $(tail -3 expect.log)"
	[ "$(grep -c 'Interrupt received' expect.log)" -eq 2 ] ||
	    atf_fail "the interrupt was not asked about twice"
	grep -q 'The ENTIRE dump is aborted' expect.log || atf_fail "no abort message"
	pkill -f "$PWD/fifo" 2>/dev/null
	no_leftovers
}

atf_test_case estimate
estimate_head()
{
	atf_set descr "-S prints an estimate close to the real size and writes nothing"
}
estimate_body()
{
	small_image
	est=$("$(dump_bin)" -0 -S -f never.dump fs.img 2>/dev/null) ||
	    atf_fail "-S failed"
	[ -e never.dump ] && atf_fail "-S wrote an output"
	dump_ok -0 -f real.dump fs.img
	real=$(stat -c %s real.dump)
	diff=$((est > real ? est - real : real - est))
	[ $((diff * 100)) -le $((real * 5 + 102400)) ] ||
	    atf_fail "estimate $est bytes, real $real"
}

atf_test_case autoloader
autoloader_head()
{
	atf_set descr "-l waits for the next volume's output to become available; without -l and a terminal it aborts"
}
autoloader_body()
{
	small_image
	mkdir a
	(sleep 2; mkdir b) &
	"$(dump_bin)" -0 -l 30 -B 100 -f "$PWD/a/v1,$PWD/b/v2,$PWD/b/v3,$PWD/b/v4" \
	    fs.img </dev/null 2>dump.log || atf_fail "dump -l failed: $(tail -3 dump.log)"
	wait
	# shellcheck disable=SC2046
	set -- "$PWD/a/v1"
	for i in 2 3 4; do
		[ -e "$PWD/b/v$i" ] && set -- "$@" "$PWD/b/v$i"
	done
	[ $# -ge 2 ] || atf_fail "the dump did not go on to b/"
	restore_set r 10 "$@"
	rm -rf a2
	mkdir a2
	setsid -w "$(dump_bin)" -0 -B 100 -f "$PWD/a2/v1,$PWD/nodir/v2" \
	    fs.img </dev/null 2>dump2.log
	rc=$?
	[ $rc -eq 3 ] || atf_fail "exit $rc for an output that cannot be opened"
	grep -q 'Cannot open output.*nodir/v2' dump2.log ||
	    atf_fail "the message does not name the output: $(tail -2 dump2.log)"
}

atf_init_test_cases()
{
	atf_add_test_case eom_sweep
	atf_add_test_case eom_tape
	atf_add_test_case eom_in_trailer
	atf_add_test_case blocks_per_volume
	atf_add_test_case end_fills_volume
	atf_add_test_case tape_length
	atf_add_test_case tmpfs_full
	atf_add_test_case no_terminal
	atf_add_test_case change_volumes
	atf_add_test_case abort_at_prompt
	atf_add_test_case rewrite_volume
	atf_add_test_case notify_operators
	atf_add_test_case status_signal
	atf_add_test_case terminate
	atf_add_test_case interrupt_yes
	atf_add_test_case interrupt_top
	atf_add_test_case interrupt_top_tty
	atf_add_test_case interrupt_at_prompt
	atf_add_test_case killed_at_prompt
	atf_add_test_case no_overwrite
	atf_add_test_case estimate
	atf_add_test_case autoloader
}
