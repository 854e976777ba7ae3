#!/bin/bash
# usage: journal_load.sh BIN_DIR LABEL SECONDS SNAPSHOT_INTERVAL [RETENTION]: pipelined load, then a timed stop
mkdir -p /tmp/jbench; BIN=$1; L=$2; D=$3; SI=$4; RET=$5; J=/tmp/jbench/jl-$L; rm -rf $J
P=$(seq -f "load-%02g" 1 32 | paste -sd,)
CFG=/tmp/jbench/cfg-$L.toml
sed -e 's/^io_threads = 2 /io_threads = 1 /' -e 's/^wait = "block" /wait = "inline"/' \
    -e "s/^snapshot_interval = 1000000 /snapshot_interval = $SI /" $(dirname "$0")/loadgen.toml > $CFG
[ -n "$RET" ] && sed -i "s/^snapshot_interval = $SI /retention = \"$RET\"\nsnapshot_interval = $SI /" $CFG
LOG=/tmp/jbench/load-$L.log
$BIN/swarmexd --config $CFG --listen 127.0.0.1:7411 --journal-dir $J --durability async > $LOG 2>&1 & PID=$!
for i in $(seq 1 600); do grep -q listening $LOG && break; sleep 0.05; done
$BIN/swarmex-loadgen --server 127.0.0.1:7411 --sessions 32 --principals $P --pipelined --window 64 \
   --duration $D --warmup 1 > /tmp/jbench/loadgen-$L.txt 2>&1
t0=$(date +%s.%N); kill -INT $PID; wait $PID; t1=$(date +%s.%N)
echo "$L stop_s $(echo "$t1-$t0"|bc) journal: $(du -sb $J/partition-0 | cut -f1) bytes, $(ls $J/partition-0 | tr '\n' ' ')"
grep -A3 "latency" /tmp/jbench/loadgen-$L.txt | head -4; grep "orders/s" /tmp/jbench/loadgen-$L.txt
grep -E "snapshot at|stop" $LOG | sed 's/^\[[^]]*\] //' | head -20
