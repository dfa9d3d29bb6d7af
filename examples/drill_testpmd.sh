#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# A live drill through telemetry: testpmd forwards through a manafo port
# over manasim (the VF) and net_null (the synthetic path); /manafo/drill
# moves TX to the synthetic path for 500 ms and back; then a simulated
# service reset is injected with /manasim/inject. Prints what happened.
#
# usage: drill_testpmd.sh [librte_net_manafo.so librte_net_manasim.so]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
manafo=${1:-$top/build/drivers/net/manafo/librte_net_manafo.so}
manasim=${2:-$top/build/drivers/net/manasim/librte_net_manasim.so}
prefix=manafo_live_$$
fifo=$(mktemp -u)
log=$(mktemp)
mkfifo "$fifo"
trap 'rm -f "$fifo" "$log"' EXIT

telemetry() {
	echo "$1" | dpdk-telemetry.py -f "$prefix" 2>/dev/null | grep -v '^--> ' | tail -n 1
}

stdbuf -o0 dpdk-testpmd -d "$manafo" -d "$manasim" --no-huge -m 512 --no-pci \
	--file-prefix "$prefix" \
	--vdev 'net_manafo0,vf(net_manasim_live0,rx_source=1),synth(net_null_live0)' \
	-- -i --total-num-mbufs=16384 < "$fifo" > "$log" 2>&1 &
pid=$!
exec 3> "$fifo"
echo "start" >&3
i=0
until [ -S "/var/run/dpdk/$prefix/dpdk_telemetry.v2" ] || [ $i -ge 100 ]; do
	sleep 0.1; i=$((i + 1))
done
# testpmd starts its ports after EAL init (and the telemetry socket) is up.
i=0
until telemetry "/manafo/info,0" | grep -q '"started": 1' || [ $i -ge 200 ]; do
	sleep 0.1; i=$((i + 1))
done
sleep 0.5

echo "== live drill: /manafo/drill,0,500"
drill=$(telemetry "/manafo/drill,0,500")
echo "$drill"
echo "== simulated service reset: /manasim/inject,<vf port>,reset,300"
vf=$(telemetry "/manafo/info,0" | python3 -c 'import json,sys; print(json.load(sys.stdin)["/manafo/info"]["vf"]["port"])')
telemetry "/manasim/inject,$vf,reset,300"
sleep 1.5
info=$(telemetry "/manafo/info,0")
echo "$info" | python3 -c '
import json, sys
i = json.load(sys.stdin)["/manafo/info"]
c = i["counters"]
print("tx path %s; failovers %d, failbacks %d, vf resets %d, refused %d" % (
    i["tx_path"], c["failovers"], c["failbacks"], c["resets_absorbed"], c["tx_refused_packets"]))
'
echo "stop" >&3
echo "quit" >&3
exec 3>&-
wait $pid

python3 - "$drill" "$info" <<'PY'
import json, sys
d = json.loads(sys.argv[1])["/manafo/drill"]
i = json.loads(sys.argv[2])["/manafo/info"]
c = i["counters"]
checks = [
    (d["tx_synth"] > 0, "the drill carried %d packets on the synthetic path" % d["tx_synth"]),
    (d["tx_refused"] == 0, "the drill refused no packet"),
    (d["back_on_vf"] == 1, "TX went back to the VF after the drill"),
    (c["resets_absorbed"] == 1 and c["failbacks"] >= 2, "the injected reset was absorbed"),
    (i["tx_path"] == "vf", "TX on the VF at the end"),
]
bad = 0
for ok, what in checks:
    print(("ok   " if ok else "FAIL ") + what)
    bad += not ok
print("%d passed, %d failed" % (len(checks) - bad, bad))
sys.exit(1 if bad else 0)
PY
