#! /usr/bin/env atf-sh
# Remote output through the rmt protocol: dumps written through Debian's
# rmt-dump and GNU rmt (rmt-tar), run directly by a stand-in remote shell
# or through a real sshd on 127.0.0.1, restored by Debian restore; bad
# names; a misbehaving server; the reply parser's regression inputs.

. "$(atf_get_srcdir)/common.sh"

RMT_DUMP=/usr/sbin/rmt-dump
RMT_TAR=/usr/sbin/rmt-tar

# make_rsh: rsh.sh stands in for ssh: it logs its arguments and runs
# "host [-l user] rmt" as rmt, here.
make_rsh()
{
	cat >rsh.sh <<'XEOF'
#!/bin/sh
printf '%s\n' "$*" >>"${RSH_LOG:-/dev/null}"
shift
if [ "$1" = -l ]; then shift 2; fi
exec "$@"
XEOF
	chmod +x rsh.sh
	RSH=$PWD/rsh.sh
	RSH_LOG=$PWD/rsh.argv
	export RSH RSH_LOG
}

# require_server PATH
require_server()
{
	[ -x "$1" ] || atf_skip "$1 is not installed"
}

# small_image: a tree and a UFS2 image of it.
small_image()
{
	require_tools makefs restore
	make_tree src 8192 1024 2
	make_image fs.img src 2 le
}

# remote_path NAME: an absolute path in the work directory that rmt
# servers can take (they read at most 63 bytes), else skip.
remote_path()
{
	_rp=$PWD/$1
	[ ${#_rp} -le 63 ] || atf_skip "work directory path too long for rmt"
	echo "$_rp"
}

# through SERVER: dump through SERVER, restore, compare.
through()
{
	require_server "$1"
	small_image
	make_rsh
	RMT=$1
	export RMT
	out=$(remote_path out.dump)
	dump_ok -0 -f "localhost:$out" fs.img
	grep -q "on host localhost" dump.log || atf_fail "no host in the log"
	grep -qx "localhost $1" rsh.argv ||
	    atf_fail "remote shell argv: $(cat rsh.argv)"
	restore_into "$out" rst
	compare_trees src rst
}

atf_test_case rmt_dump
rmt_dump_head()
{
	atf_set descr "a dump through Debian's rmt-dump restores to the tree"
	atf_set require.user root
}
rmt_dump_body() { through "$RMT_DUMP"; }

atf_test_case rmt_tar
rmt_tar_head()
{
	atf_set descr "a dump through GNU rmt restores to the tree"
	atf_set require.user root
}
rmt_tar_body() { through "$RMT_TAR"; }

atf_test_case user_rdump_env
user_rdump_env_head()
{
	atf_set descr "user@host passes -l user; rdump works; RMT defaults to /etc/rmt"
	atf_set require.user root
}
user_rdump_env_body()
{
	[ -x /etc/rmt ] || atf_skip "/etc/rmt is not installed"
	small_image
	make_rsh
	unset RMT
	ln -s "$(dump_bin)" rdump
	out=$(remote_path out.dump)
	"$PWD/rdump" -0 -f "backup_op-1.x@host-1.example:$out" fs.img \
	    2>dump.log || atf_fail "rdump failed: $(tail -3 dump.log)"
	grep -qx "host-1.example -l backup_op-1.x /etc/rmt" rsh.argv ||
	    atf_fail "remote shell argv: $(cat rsh.argv)"
	restore_into "$out" rst
	compare_trees src rst
	# The old key form and TAPE take remote names too.
	rm -f "$out" rsh.argv
	TAPE=localhost:$out "$(dump_bin)" 0 fs.img 2>key.log ||
	    atf_fail "TAPE=host:file failed: $(tail -3 key.log)"
	grep -qx "localhost /etc/rmt" rsh.argv || atf_fail "TAPE not remote"
	restore -t -f "$out" >list 2>&1 || atf_fail "restore -t failed"
	# Without RSH, ssh from PATH, with keep-alive options.
	mkdir bin
	cat >bin/ssh <<'XEOF'
#!/bin/sh
printf '%s\n' "$*" >>"$RSH_LOG"
while [ "$1" = -o ]; do shift 2; done
shift
if [ "$1" = -l ]; then shift 2; fi
exec "$@"
XEOF
	chmod +x bin/ssh
	rm -f "$out" rsh.argv
	RMT=$RMT_DUMP PATH=$PWD/bin:$PATH RSH='' "$(dump_bin)" -0 \
	    -f "localhost:$out" fs.img 2>ssh.log ||
	    atf_fail "default ssh: $(tail -3 ssh.log)"
	grep -qx -e "-o ServerAliveInterval=30 -o ServerAliveCountMax=4 localhost $RMT_DUMP" \
	    rsh.argv || atf_fail "default ssh argv: $(cat rsh.argv)"
	restore -t -f "$out" >list 2>&1 || atf_fail "restore -t (ssh) failed"
}

atf_test_case bad_names
bad_names_head()
{
	atf_set descr "bad user, host and file names are refused before any I/O"
}
bad_names_body()
{
	make_rsh
	: >fs.img
	long=$(printf '%64s' '' | tr ' ' a)
	for spec in "-oProxyCommand=x:f" "u@-h:f" "-u@h:f" "@h:f" "u@:f" \
	    "a b:f" "u;x@h:f" "h\$x:f" "h:" ":f" "h:/$long" "u@h@h:f"; do
		rm -f rsh.argv
		"$(dump_bin)" -0 -f "$spec" fs.img 2>err.log
		rc=$?
		[ $rc -eq 1 ] || atf_fail "-f '$spec' exited $rc, not 1"
		[ -s err.log ] || atf_fail "-f '$spec': no message"
		[ "$(wc -l <err.log)" -le 2 ] ||
		    atf_fail "-f '$spec': $(cat err.log)"
		[ ! -e rsh.argv ] || atf_fail "-f '$spec' ran the remote shell"
	done
	# A '/' before the ':' makes it a local file.
	"$(dump_bin)" -0 -f ./a:b fs.img 2>local.log
	[ ! -e rsh.argv ] || atf_fail "./a:b was taken as remote"
}

# fake_server: fake.sh, an rmt server that misbehaves as $FAKE_CASE says.
make_fake()
{
	cat >fake.sh <<'XEOF'
#!/bin/sh
echo $$ >fake.pid
read -r o; read -r f
case $FAKE_CASE in
openerr) printf 'E13\nPermission \033[31mdenied\a by the fake\n'; exit 0 ;;
longerr) printf 'E2\n%5000s\n' x; exit 0 ;;
badletter) printf 'X0\n'; exit 0 ;;
openeof) exit 0 ;;
splitopen) printf 'E'; sleep 1; printf '1'; sleep 1; printf '3\nno'
    sleep 1; printf 'pe\n'; exit 0 ;;
esac
printf 'A0\n'
read -r w
# Take the record's data, as a server does before it answers.
head -c "${w#W}" >/dev/null
case $FAKE_CASE in
bigcount) printf 'A99999\n' ;;
hugecount) printf 'A%s\n' 1234567890123456789012345678901234567890 ;;
overflow) printf 'A99999999999999999999\n' ;;
nonnum) printf 'Axyz\n' ;;
negative) printf 'A-5\n' ;;
empty) printf 'A\n' ;;
zero) printf 'A0\n' ;;
enospc) printf 'E28\nNo space left on device\n' ;;
fclose) printf 'F5\nInput/output error\n' ;;
nul) printf 'A1\0002\n' ;;
eof) exit 0 ;;
eofmid) printf 'A10'; exit 0 ;;
esac
# Wait for dump to go away: its end of the connection closing is our EOF.
exec cat >/dev/null
XEOF
	chmod +x fake.sh
}

atf_test_case misbehaving
misbehaving_head()
{
	atf_set descr "a misbehaving server ends the dump cleanly, exit 3"
	atf_set require.user root
	atf_set timeout 300
}
misbehaving_body()
{
	require_tools timeout
	small_image
	make_rsh
	make_fake
	RMT=$PWD/fake.sh
	export RMT
	while read -r case want; do
		rm -f fake.pid
		FAKE_CASE=$case timeout 60 "$(dump_bin)" -0 \
		    -f localhost:out.dump fs.img 2>"$case.log"
		rc=$?
		[ $rc -ne 124 ] || atf_fail "$case: dump hung"
		[ $rc -eq 3 ] || atf_fail "$case: exit $rc, not 3"
		grep -q "$want" "$case.log" ||
		    atf_fail "$case: no '$want' in: $(tail -3 "$case.log")"
		grep -q 'The ENTIRE dump is aborted' "$case.log" ||
		    atf_fail "$case: not aborted"
		! grep -q "$(printf '\033')" "$case.log" ||
		    atf_fail "$case: escape sequence from the server shown"
		# The server ends once dump is gone.
		i=0
		while [ -f fake.pid ] && kill -0 "$(cat fake.pid)" 2>/dev/null; do
			i=$((i + 1))
			[ $i -lt 50 ] || atf_fail "$case: server still running"
			sleep 0.1
		done
	done <<'XEOF'
openerr rmt server on localhost: open: Permission ?\[31mdenied? by the fake
longerr botched during open: error message longer than 1024 bytes
badletter botched during open: reply does not begin with A, E or F
openeof Lost connection to remote host localhost (during open)
splitopen rmt server on localhost: open: nope
bigcount botched during write: reply count is larger than asked for
hugecount botched during write: reply line longer than 30 bytes
overflow botched during write: reply count is not a decimal number
nonnum botched during write: reply count is not a decimal number
negative botched during write: reply count is not a decimal number
empty botched during write: reply count is not a decimal number
zero End of media
enospc rmt server on localhost: write: No space left on device
fclose rmt server on localhost: write: Input/output error
nul botched during write: NUL byte in reply line
eof Lost connection to remote host localhost (during write)
eofmid Lost connection to remote host localhost (during write)
XEOF
}

atf_test_case split_replies
split_replies_head()
{
	atf_set descr "replies that arrive a byte at a time still make a good dump"
	atf_set require.user root
}
split_replies_body()
{
	require_server "$RMT_DUMP"
	small_image
	make_rsh
	printf '#!/bin/sh\n%s | dd bs=1 2>/dev/null\n' "$RMT_DUMP" >slow.sh
	chmod +x slow.sh
	RMT=$PWD/slow.sh
	export RMT
	dump_ok -0 -f localhost:out.dump fs.img
	restore_into "$PWD/out.dump" rst
	compare_trees src rst
}

atf_test_case server_dies
server_dies_head()
{
	atf_set descr "a server that dies mid-dump ends it with exit 3, no hang"
	atf_set require.user root
}
server_dies_body()
{
	require_server "$RMT_DUMP"
	require_tools timeout
	small_image
	make_rsh
	# The server sees its input end after 300 KB (dd passes each byte on
	# at once; head would hold back a partial buffer).
	printf '#!/bin/sh\ndd bs=1 count=300000 2>/dev/null | %s\n' \
	    "$RMT_DUMP" >dies.sh
	chmod +x dies.sh
	RMT=$PWD/dies.sh
	export RMT
	timeout 120 "$(dump_bin)" -0 -f localhost:out.dump fs.img 2>dump.log
	rc=$?
	[ $rc -eq 3 ] || atf_fail "exit $rc, not 3: $(tail -3 dump.log)"
	grep -q 'Lost connection to remote host localhost' dump.log ||
	    atf_fail "no lost connection message: $(tail -3 dump.log)"
	# No remote shell at all.
	RSH=$PWD/no/such/rsh timeout 60 "$(dump_bin)" -0 \
	    -f localhost:out.dump fs.img 2>norsh.log
	rc=$?
	[ $rc -eq 3 ] || atf_fail "missing RSH: exit $rc, not 3"
	grep -q 'cannot run remote shell' norsh.log ||
	    atf_fail "missing RSH: $(tail -3 norsh.log)"
}

# require_multivolume: skip until the engine writes several volumes
# (probed locally with -B and a list of files).
require_multivolume()
{
	"$(dump_bin)" -0 -B 400 -f p1,p2,p3,p4,p5,p6,p7,p8,p9 fs.img \
	    2>probe.log
	[ -s p2 ] || atf_skip "this dump does not write several volumes yet"
	rm -f p1 p2 p3 p4 p5 p6 p7 p8 p9
}

# restore_volumes PREFIX DIR: restore -r PREFIX1, PREFIX2 ... into DIR,
# naming each next volume on restore's standard input.
restore_volumes()
{
	_n=1
	while [ -s "$1$((_n + 1))" ]; do _n=$((_n + 1)); done
	_i=2
	: >answers
	while [ $_i -le $_n ]; do
		echo "$PWD/$1$_i" >>answers
		_i=$((_i + 1))
	done
	echo none >>answers
	mkdir -p "$2"
	_first=$PWD/${1}1
	(cd "$2" && restore -r -y -f "$_first") <answers >restore.log 2>&1 ||
	    atf_fail "restore of $_n volumes failed: $(tail -3 restore.log)"
}

# The sshd case: sshd -D on a free 127.0.0.1 port with its own keys.
start_sshd()
{
	require_tools ssh ssh-keygen timeout
	[ -x /usr/sbin/sshd ] || atf_skip "sshd is not installed"
	D=$PWD
	mkdir -p /run/sshd 2>/dev/null
	if ! ssh-keygen -q -t ed25519 -N '' -f "$D/hostkey" >/dev/null 2>&1 ||
	    ! ssh-keygen -q -t ed25519 -N '' -f "$D/clientkey" >/dev/null 2>&1
	then
		atf_skip "ssh-keygen failed"
	fi
	cp "$D/clientkey.pub" "$D/authorized_keys"
	chmod 600 "$D/authorized_keys"
	for try in 1 2 3 4 5; do
		port=$((20000 + $(od -An -N2 -tu2 /dev/urandom) % 40000))
		cat >"$D/sshd_config" <<XEOF
Port $port
ListenAddress 127.0.0.1
HostKey $D/hostkey
PidFile none
AuthorizedKeysFile $D/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
XEOF
		cat >"$D/ssh_config" <<XEOF
Host *
  Port $port
  IdentityFile $D/clientkey
  IdentitiesOnly yes
  BatchMode yes
  StrictHostKeyChecking no
  UserKnownHostsFile /dev/null
  LogLevel ERROR
XEOF
		printf '#!/bin/sh\nexec ssh -F %s "$@"\n' "$D/ssh_config" \
		    >"$D/ssh.sh"
		chmod +x "$D/ssh.sh"
		/usr/sbin/sshd -D -f "$D/sshd_config" -E "$D/sshd.log" \
		    </dev/null >/dev/null 2>&1 &
		echo $! >"$D/sshd.pid"
		i=0
		while [ $i -lt 50 ]; do
			kill -0 "$(cat "$D/sshd.pid")" 2>/dev/null || break
			if timeout 10 "$D/ssh.sh" 127.0.0.1 -l root true \
			    </dev/null 2>/dev/null; then
				RSH=$D/ssh.sh
				export RSH
				return 0
			fi
			sleep 0.1
			i=$((i + 1))
		done
		stop_sshd
	done
	atf_skip "sshd could not start: $(tail -1 "$D/sshd.log" 2>/dev/null)"
}

stop_sshd()
{
	if [ -f sshd.pid ]; then
		kill "$(cat sshd.pid)" 2>/dev/null
		i=0
		while kill -0 "$(cat sshd.pid)" 2>/dev/null && [ $i -lt 50 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		rm -f sshd.pid
	fi
}

atf_test_case ssh cleanup
ssh_head()
{
	atf_set descr "dump over ssh to 127.0.0.1 with rmt-dump and GNU rmt"
	atf_set require.user root
	atf_set timeout 300
}
ssh_body()
{
	small_image
	start_sshd
	for srv in "$RMT_DUMP" "$RMT_TAR"; do
		[ -x "$srv" ] || continue
		name=$(basename "$srv")
		out=$(remote_path "$name.dump")
		RMT=$srv timeout 120 "$(dump_bin)" -0 -f "root@127.0.0.1:$out" \
		    fs.img 2>"$name.log"
		rc=$?
		[ $rc -eq 0 ] || atf_fail "$name over ssh: exit $rc: $(tail -3 "$name.log")"
		restore_into "$out" "rst-$name"
		compare_trees src "rst-$name"
	done
	# A server that is not there: a clear error, exit 3.
	RMT=/no/such/rmt timeout 120 "$(dump_bin)" -0 \
	    -f "127.0.0.1:$out" fs.img 2>none.log
	rc=$?
	[ $rc -eq 3 ] || atf_fail "missing rmt over ssh: exit $rc, not 3"
	grep -q 'Lost connection' none.log ||
	    atf_fail "missing rmt over ssh: $(tail -3 none.log)"
	stop_sshd
}
ssh_cleanup()
{
	stop_sshd
}

atf_test_case multivolume
multivolume_head()
{
	atf_set descr "-B with a list of remote volumes rolls onto the next one"
	atf_set require.user root
	atf_set timeout 300
}
multivolume_body()
{
	require_server "$RMT_DUMP"
	small_image
	require_multivolume
	make_rsh
	RMT=$RMT_DUMP
	export RMT
	list=
	for i in 1 2 3 4 5 6 7 8 9; do
		list=$list${list:+,}localhost:$(remote_path "v$i")
	done
	dump_ok -0 -B 2000 -f "$list" fs.img
	[ -s v2 ] || atf_fail "only one volume written"
	[ "$(grep -c "^localhost " rsh.argv)" -ge 2 ] ||
	    atf_fail "the volumes did not go through rmt"
	restore_volumes v rst
	compare_trees src rst
}

atf_test_case remote_eom
remote_eom_head()
{
	atf_set descr "end of media on the remote tape rolls onto the next volume"
	atf_set require.user root
	atf_set timeout 300
}
remote_eom_body()
{
	require_tools python3
	small_image
	require_multivolume
	make_rsh
	# A 2000 KB "tape": whole records, then ENOSPC.
	RMT=$(atf_get_srcdir)/rmt_tape.py
	RMT_TAPE_KB=2000
	export RMT RMT_TAPE_KB
	list=
	for i in 1 2 3 4 5 6 7 8 9; do
		list=$list${list:+,}localhost:$(remote_path "t$i")
	done
	dump_ok -0 -a -f "$list" fs.img
	[ -s t2 ] || atf_fail "did not roll onto a second volume"
	[ "$(stat -c %s t1)" -le 2048000 ] || atf_fail "volume 1 overfilled"
	restore_volumes t rst
	compare_trees src rst
}

# hung_server: RMT is rmt_tape.py, which never answers the request named
# by RMT_TAPE_HANG and writes its pid to server.pid.
hung_server()
{
	require_tools python3 timeout setsid
	small_image
	make_rsh
	RMT=$(atf_get_srcdir)/rmt_tape.py
	RMT_TAPE_KB=100000
	RMT_TAPE_PIDFILE=$PWD/server.pid
	export RMT RMT_TAPE_KB RMT_TAPE_PIDFILE
	out=$(remote_path out.dump)
}

# server_gone: the fake server has ended (dump reaped its remote shell).
server_gone()
{
	_i=0
	while kill -0 "$(cat server.pid)" 2>/dev/null; do
		_i=$((_i + 1))
		[ $_i -lt 30 ] || atf_fail "$1: the rmt server is still running"
		sleep 0.1
	done
}

# aborted LOG WHAT: the dump in LOG was aborted, with no DUMP IS DONE.
aborted()
{
	grep -q 'The ENTIRE dump is aborted' "$1" ||
	    atf_fail "$2: not aborted: $(tail -3 "$1")"
	! grep -q 'DUMP IS DONE' "$1" || atf_fail "$2: DUMP IS DONE"
}

# kill_sessions: end every process of the sessions listed in sids (each
# dump run here is the leader of its own session).
kill_sessions()
{
	[ -f sids ] || return 0
	while read -r _s; do
		for _p in $(pgrep -s "$_s"); do
			kill -9 "$_p" 2>/dev/null
		done
	done <sids
	:
}

atf_test_case no_reply cleanup
no_reply_head()
{
	atf_set descr "a server that never answers the open, a write or the close: the dump ends after RMT_TIMEOUT seconds with a clear message, exit 3, server reaped"
	atf_set require.user root
	atf_set timeout 300
}
no_reply_body()
{
	hung_server
	: >sids
	# Long enough for the server (python) to start on a busy machine.
	for op in open write close; do
		rm -f server.pid
		start=$(date +%s)
		RMT_TAPE_HANG=$op RMT_TIMEOUT=10 setsid "$(dump_bin)" -0 \
		    -f "localhost:$out" fs.img </dev/null 2>dump.log &
		dpid=$!
		echo "$dpid" >>sids
		ended_within 60 "$op"
		took=$(($(date +%s) - start))
		[ $rc -eq 3 ] || atf_fail "$op: exit $rc, not 3: $(tail -3 dump.log)"
		grep -q "rmt server on localhost did not answer within 10 seconds (during $op)" \
		    dump.log || atf_fail "$op: no timeout message: $(tail -3 dump.log)"
		[ "$took" -le 50 ] || atf_fail "$op: took $took s"
		aborted dump.log "$op"
		server_gone "$op"
	done
	# A bad value is refused before anything is done.
	RMT_TIMEOUT=soon "$(dump_bin)" -0 -f "localhost:$out" fs.img \
	    2>bad.log
	rc=$?
	[ $rc -eq 1 ] || atf_fail "RMT_TIMEOUT=soon: exit $rc, not 1"
	grep -q 'RMT_TIMEOUT' bad.log || atf_fail "RMT_TIMEOUT=soon: $(cat bad.log)"
}
no_reply_cleanup()
{
	kill_sessions
}

# start_hung OP: start dump (no terminal) against a server that never
# answers OP; returns once the server has the request.  Sets dpid.
start_hung()
{
	rm -f server.pid server.pid.hung dump.log
	RMT_TAPE_HANG=$1 setsid "$(dump_bin)" -0 -f "localhost:$out" fs.img \
	    </dev/null 2>dump.log &
	dpid=$!
	echo "$dpid" >>sids
	_i=0
	while [ ! -e server.pid.hung ]; do
		_i=$((_i + 1))
		[ $_i -lt 300 ] || atf_fail "$1: the server did not get the request"
		sleep 0.1
	done
	# Let dump settle into its wait for the answer.
	sleep 1
}

# ended_within SECONDS WHAT: dpid has ended; sets rc.
ended_within()
{
	_i=0
	while kill -0 "$dpid" 2>/dev/null &&
	    [ "$(ps -o stat= -p "$dpid" | cut -c1)" != Z ]; do
		_i=$((_i + 1))
		[ $_i -lt $(($1 * 10)) ] || atf_fail "$2: dump still running after $1 s"
		sleep 0.1
	done
	wait "$dpid"
	rc=$?
}

atf_test_case reply_signals cleanup
reply_signals_head()
{
	atf_set descr "while waiting for an rmt reply: SIGUSR1 prints the status and goes on, SIGTERM and SIGHUP end the dump, SIGINT without a terminal aborts; exit 3, nothing left running"
	atf_set require.user root
	atf_set timeout 300
}
reply_signals_body()
{
	hung_server
	: >sids
	start_hung open
	kill -USR1 "$dpid"
	sleep 2
	grep -q '% done' dump.log ||
	    atf_fail "USR1 while waiting for the open: no status line: $(tail -3 dump.log)"
	kill -0 "$dpid" || atf_fail "USR1 ended the dump"
	kill -TERM "$dpid"
	ended_within 5 "TERM during the open"
	[ $rc -eq 3 ] || atf_fail "TERM during the open: exit $rc"
	aborted dump.log "TERM during the open"
	server_gone "TERM during the open"
	for c in "close HUP" "open INT" "write TERM" "close INT"; do
		# shellcheck disable=SC2086
		set -- $c
		start_hung "$1"
		kill -"$2" "$dpid"
		ended_within 5 "$2 during the $1"
		[ $rc -eq 3 ] || atf_fail "$2 during the $1: exit $rc"
		aborted dump.log "$2 during the $1"
		server_gone "$2 during the $1"
		if [ "$2" = INT ]; then
			grep -q 'Interrupt received' dump.log ||
			    atf_fail "INT during the $1: not asked"
		fi
	done
}
reply_signals_cleanup()
{
	kill_sessions
}

atf_test_case tape_ops
tape_ops_head()
{
	atf_set descr "tape operations: handshake first; old servers get no rewind"
	atf_set require.user root
}
tape_ops_body()
{
	require_tools cc tee
	require_server "$RMT_DUMP"
	require_server "$RMT_TAR"
	top=$(atf_get_srcdir)/..
	cc -std=c11 -D_GNU_SOURCE -I"$top" -g -O1 \
	    -fsanitize=address,undefined -fno-sanitize-recover=all \
	    -o rmtclient "$top/tests/rmtclient.c" "$top/dumprmt.c" \
	    2>cc.log || atf_fail "build: $(head -5 cc.log)"
	make_rsh
	for srv in "$RMT_DUMP" "$RMT_TAR"; do
		name=$(basename "$srv")
		# tee keeps the requests the server was sent.
		printf '#!/bin/sh\ntee -a %s | %s\n' "$PWD/$name.req" "$srv" \
		    >"$name.sh"
		chmod +x "$name.sh"
		RMT=$PWD/$name.sh ./rmtclient localhost "o:$PWD/$name.out" \
		    w:1024 i:rew i:fsf i:offl s w:10 c >"$name.res" \
		    2>"$name.err" || atf_fail "$name: rmtclient failed"
		grep -qx 'open 0' "$name.res" || atf_fail "$name: open"
		grep -qx 'write 1024' "$name.res" || atf_fail "$name: write"
		grep -qx 'write 10' "$name.res" || atf_fail "$name: write 10"
		grep -qx 'close 0' "$name.res" || atf_fail "$name: close"
		[ "$(stat -c %s "$name.out")" -eq 1034 ] ||
		    atf_fail "$name: file is not 1034 bytes"
		# On a plain file the operations fail (ENOTTY), but are sent.
		grep -qx 'i:fsf -1 errno 25' "$name.res" ||
		    atf_fail "$name: fsf: $(cat "$name.res")"
		[ "$(grep -ac 'I-1$' "$name.req")" -eq 1 ] ||
		    atf_fail "$name: not one handshake"
		grep -aqx 'I1' "$name.req" || atf_fail "$name: fsf not sent"
	done
	# rmt-dump answers the handshake: BSD numbers, and status.
	grep -aqx 'I5' rmt-dump.req || atf_fail "rmt-dump: rewind not sent"
	grep -aqx 'I6' rmt-dump.req || atf_fail "rmt-dump: offline not sent"
	grep -aq '^SW10' rmt-dump.req || atf_fail "rmt-dump: status not sent"
	grep -qx 'status -1 errno 25' rmt-dump.res ||
	    atf_fail "rmt-dump: status: $(cat rmt-dump.res)"
	# GNU rmt does not: no rewind, offline or status is risked.
	! grep -aqx -e 'I5' -e 'I6' rmt-tar.req ||
	    atf_fail "rmt-tar was sent a rewind or offline"
	! grep -aq '^S' rmt-tar.req || atf_fail "rmt-tar was sent S"
	grep -qx 'i:rew -1 errno 95' rmt-tar.res ||
	    atf_fail "rmt-tar: rewind: $(cat rmt-tar.res)"
	grep -q 'too old' rmt-tar.err || atf_fail "rmt-tar: no message"
}

atf_test_case parser_regress
parser_regress_head()
{
	atf_set descr "the rmt reply parser survives every saved fuzz input"
}
parser_regress_body()
{
	require_tools cc
	top=$(atf_get_srcdir)/..
	cc -std=c11 -D_GNU_SOURCE -I"$top" -g -O1 \
	    -fsanitize=address,undefined -fno-sanitize-recover=all \
	    -o replay "$top/tests/fuzz/fuzz_rmt.c" "$top/tests/fuzz/standalone.c" \
	    "$top/dumprmt.c" 2>cc.log || atf_fail "build: $(head -5 cc.log)"
	set -- "$top"/tests/fuzz/rmt-regress/*
	[ -e "$1" ] || atf_fail "no regression inputs"
	./replay "$@" >replay.log 2>&1 ||
	    atf_fail "replay: $(tail -5 replay.log)"
}

atf_init_test_cases()
{
	atf_add_test_case rmt_dump
	atf_add_test_case rmt_tar
	atf_add_test_case user_rdump_env
	atf_add_test_case bad_names
	atf_add_test_case misbehaving
	atf_add_test_case split_replies
	atf_add_test_case server_dies
	atf_add_test_case ssh
	atf_add_test_case multivolume
	atf_add_test_case remote_eom
	atf_add_test_case no_reply
	atf_add_test_case reply_signals
	atf_add_test_case tape_ops
	atf_add_test_case parser_regress
}
