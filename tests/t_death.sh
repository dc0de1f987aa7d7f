#! /usr/bin/env atf-sh
# Processes that die: a slave killed with SIGKILL, the master killed with
# SIGKILL, the reader of the output going away, a full output.  The other
# processes must notice within seconds, nothing may be left running, and
# the exit status must not say the dump is good.

. "$(atf_get_srcdir)/common.sh"

# An image with a few MB of data, so the output outruns a pipe's buffer.
big_image()
{
	require_tools makefs pgrep mkfifo
	mkdir src
	rand_file src/big 4000000
	rand_file src/small 5000
	make_image fs.img src 2 le
}

# start_stalled: dump into a fifo whose reader never reads, so the slaves
# block in write(2).  Sets dpid, master and rdr; waits until three slaves
# exist.
start_stalled()
{
	mkfifo out.fifo
	# The reader holds the fifo open and never reads.
	# shellcheck disable=SC2217
	sleep 120 <out.fifo &
	rdr=$!
	"$(dump_bin)" -0 -f out.fifo fs.img 2>dump.log &
	dpid=$!
	# dpid keeps the volume's checkpoint; its child writes the volume
	# (the master of the ring) and has the three slaves.
	_i=0
	master=
	while [ -z "$master" ] ||
	    [ "$(pgrep -P "$master" | wc -l)" -lt 3 ]; do
		_i=$((_i + 1))
		[ $_i -lt 100 ] || atf_fail "the slaves did not start"
		sleep 0.1
		master=$(pgrep -P "$dpid" | head -1)
	done
	# Let the pipe fill and the writes block.
	sleep 2
	slaves=$(pgrep -P "$master")
	echo "$dpid $master $rdr $slaves" >pids
}

# gone PID: the process has ended (or is a zombie waiting to be reaped).
gone()
{
	_st=$(ps -o stat= -p "$1" 2>/dev/null)
	[ -z "$_st" ] || [ "${_st#Z}" != "$_st" ]
}

# within SECONDS PIDS...: every PID ends within SECONDS.
within()
{
	_t=$(($1 * 10))
	shift
	for _p in "$@"; do
		while ! gone "$_p"; do
			_t=$((_t - 1))
			[ $_t -gt 0 ] || return 1
			sleep 0.1
		done
	done
}

stop_all()
{
	[ -f pids ] || return 0
	read -r _ps <pids
	for _p in $_ps; do
		kill -9 "$_p" 2>/dev/null
	done
	:
}

# session_pids SID: the processes of session SID that have not ended.
session_pids()
{
	for _p in $(pgrep -s "$1"); do
		gone "$_p" || echo "$_p"
	done
}

atf_test_case top_killed cleanup
top_killed_head()
{
	atf_set descr "kill -9 of the process the shell started ends every process of the dump within 2 s and -u records nothing: while volume 1 is written, and volume 2"
	atf_set require.user root
}
top_killed_body()
{
	big_image
	require_tools setsid
	printf '%-16s 0 Thu Nov 26 07:13:43 2026\n' /dev/other >dumpdates
	sum=$(md5sum <dumpdates)
	: >pids
	for c in "5 -f $PWD/out.fifo" "6 -B 3000 -f $PWD/v1,$PWD/out.fifo"; do
		# shellcheck disable=SC2086
		set -- $c
		want=$1
		shift
		rm -f out.fifo v1
		mkfifo out.fifo
		# The reader holds the fifo open and never reads.
		# shellcheck disable=SC2217
		sleep 120 <out.fifo &
		rdr=$!
		setsid "$(dump_bin)" -0u -D "$PWD/dumpdates" "$@" fs.img \
		    </dev/null 2>dump.log &
		top=$!
		printf "%s\n" "$top" "$rdr" >>pids
		# The top process, the volume processes, three slaves.
		i=0
		while [ "$(session_pids "$top" | wc -l)" -lt "$want" ]; do
			i=$((i + 1))
			[ $i -lt 100 ] || atf_fail "$*: the dump did not start: $(tail -3 dump.log)"
			sleep 0.1
		done
		[ "$(ps -o sid= -p "$top" | tr -d ' ')" = "$top" ] ||
		    atf_fail "setsid did not make the dump a session leader"
		session_pids "$top" >>pids
		sleep 1
		kill -9 "$top"
		i=0
		while [ -n "$(session_pids "$top")" ]; do
			i=$((i + 1))
			[ $i -le 20 ] || atf_fail "$*: processes still running 2 s after the top process was killed: $(session_pids "$top" | tr '\n' ' ')"
			sleep 0.1
		done
		wait "$top"
		kill "$rdr"
		wait "$rdr"
		[ "$(md5sum <dumpdates)" = "$sum" ] ||
		    atf_fail "$*: dumpdates changed: $(cat dumpdates)"
	done
}
top_killed_cleanup()
{
	[ -f pids ] || return 0
	while read -r _p; do
		kill -9 "$_p" 2>/dev/null
	done <pids
	:
}

atf_test_case slave_killed cleanup
slave_killed_head()
{
	atf_set descr "kill -9 of a slave blocked mid-dump: the master notices, stops the others, exits 3"
	atf_set require.user root
}
slave_killed_body()
{
	big_image
	start_stalled
	# shellcheck disable=SC2086
	set -- $slaves
	victim=$2
	kill -9 "$victim"
	within 10 "$dpid" || atf_fail "dump did not exit within 10 s"
	wait "$dpid"
	rc=$?
	[ $rc -eq 3 ] || { cat dump.log; atf_fail "exit $rc, expected 3"; }
	grep -q "slave [0-9] (pid $victim) was killed by signal 9" dump.log ||
	    { cat dump.log; atf_fail "the death was not reported"; }
	grep -q 'The ENTIRE dump is aborted' dump.log || atf_fail "no abort message"
	for p in $slaves; do
		gone "$p" || atf_fail "slave $p is still running"
	done
	kill "$rdr" 2>/dev/null
	:
}
slave_killed_cleanup()
{
	stop_all
}

atf_test_case master_killed cleanup
master_killed_head()
{
	atf_set descr "kill -9 of the master: slaves blocked in write or waiting for their turn all exit within a few seconds"
	atf_set require.user root
}
master_killed_body()
{
	big_image
	start_stalled
	kill -9 "$master"
	within 10 "$dpid" || atf_fail "dump did not exit within 10 s"
	wait "$dpid"
	rc=$?
	[ $rc -eq 3 ] || atf_fail "dump exit $rc after its master was killed"
	grep -q 'killed by signal 9' dump.log ||
	    atf_fail "the death was not reported: $(tail -2 dump.log)"
	# shellcheck disable=SC2086
	within 5 $slaves || atf_fail "slaves still running 5 s after the master died: $(ps -o pid=,stat=,wchan= -p "$(echo $slaves | tr ' ' ,)")"
	kill "$rdr" 2>/dev/null
	:
}
master_killed_cleanup()
{
	stop_all
}

atf_test_case reader_gone
reader_gone_head()
{
	atf_set descr "the reader of standard output goes away: write error, exit 3, never 0"
	atf_set require.user root
}
reader_gone_body()
{
	big_image
	{ timeout 60 "$(dump_bin)" -0 -f - fs.img 2>dump.log; echo $? >rc; } |
	    head -c 100000 >/dev/null
	rc=$(cat rc)
	[ "$rc" -eq 3 ] || { cat dump.log; atf_fail "exit $rc, expected 3"; }
	grep -q 'write error.*Broken pipe' dump.log ||
	    { cat dump.log; atf_fail "no write error message"; }
	grep -q 'DUMP IS DONE$' dump.log && atf_fail "claims DUMP IS DONE"
	:
}

atf_test_case output_full
output_full_head()
{
	atf_set descr "an output that fills up (/dev/full) is not a complete dump: exit 3"
	atf_set require.user root
}
output_full_body()
{
	[ -w /dev/full ] || atf_skip "no /dev/full"
	big_image
	timeout 60 "$(dump_bin)" -0 -f /dev/full fs.img 2>dump.log
	rc=$?
	[ $rc -eq 3 ] || { cat dump.log; atf_fail "exit $rc, expected 3"; }
	grep -q 'No space left on device' dump.log ||
	    { cat dump.log; atf_fail "ENOSPC not reported"; }
}

atf_test_case fsync_file
fsync_file_head()
{
	atf_set descr "a regular output file is fsynced before dump says DUMP IS DONE"
	atf_set require.user root
}
fsync_file_body()
{
	require_tools strace
	big_image
	# LeakSanitizer cannot run under ptrace.
	ASAN_OPTIONS="detect_leaks=0:${ASAN_OPTIONS:-}" \
	    strace -f -o trace -e trace=fsync,fdatasync "$(dump_bin)" -0 \
	    -f out.dump fs.img 2>dump.log ||
	    { tail -3 dump.log; atf_fail "dump failed"; }
	grep -Eq 'f(data)?sync\([0-9]+\) += 0' trace ||
	    { cat trace; atf_fail "no fsync of the output"; }
}

atf_init_test_cases()
{
	atf_add_test_case top_killed
	atf_add_test_case slave_killed
	atf_add_test_case master_killed
	atf_add_test_case reader_gone
	atf_add_test_case output_full
	atf_add_test_case fsync_file
}
