#!/bin/bash
# usage: journal_restart.sh BIN_DIR JOURNAL LABEL (after journal_load.sh BIN_DIR before ...): wall time to "listening", and the process's CPU time
mkdir -p /tmp/jbench; BIN=$1; J=$2; L=$3; LOG=/tmp/jbench/restart-$L.log
t0=$(date +%s.%N)
/usr/bin/time -f "cpu_user_s %U cpu_sys_s %S" -o /tmp/jbench/time-$L.txt $BIN/swarmexd --config /tmp/jbench/cfg-before.toml --listen 127.0.0.1:7411 --journal-dir $J --durability async > $LOG 2>&1 &
for i in $(seq 1 1200); do grep -q listening $LOG && break; sleep 0.05; done
t1=$(date +%s.%N)
kill -INT $(pgrep -f "swarmexd --config /tmp/jbench/cfg-before.toml" | grep -v $$ | tail -1); wait
echo "$L restart_wall_s $(echo "$t1-$t0"|bc) $(cat /tmp/jbench/time-$L.txt)"; grep "stopped in" $LOG
