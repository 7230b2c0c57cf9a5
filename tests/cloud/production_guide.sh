#!/usr/bin/env bash
# Runs impt's Production Guide workflow with the real impt against `impish cloud serve`
# on a fresh SQLite cloud, a 40-unit `impish line --cloud http://...` in the middle, and
# prints each command's exit status. impt is not part of impish: build it from its
# public source (github.com/electricimp/imp-central-impt, `npm install` there).
#
#   tests/cloud/production_guide.sh IMPT [--kill]
#
# IMPT is impt's bin/impt. With --kill the server is killed with SIGKILL after the 5th
# and the 20th blessing webhook and started again on the same file and address; the
# line waits for it. Expected: every command exits 0 but `impt device unassign --unbond`
# (impt 2.6.1 never sends the key: 403) and `impt dg unassign` with a wrong key (403);
# the production group lists exactly the units the line's report says it blessed, and
# the webhook receiver got one blessing webhook per blessed unit.
# IMPISH names the impish binary (default: target/<host tuple>/debug/impish); PORT the server's port
# (default 18500; the webhook receiver listens on PORT+100).
set -u

impt=${1:?usage: production_guide.sh IMPT [--kill]}
kill=${2:-}
root=$(cd "$(dirname "$0")/../.." && pwd)
impish=${IMPISH:-$root/target/$(rustc -vV | sed -n 's/^host: //p')/debug/impish}
port=${PORT:-18500}
hook_port=$((port + 100))
work=$(mktemp -d)
export HOME=$work/home # impt keeps its login here
mkdir -p "$HOME"
db=sqlite:$work/cloud.db
endpoint=http://127.0.0.1:$port/v5
key=MY-UNBOND-KEY
samples=$root/samples
results=$work/results.txt

step() {
    echo "=== $*"
    "$@"
    local status=$?
    echo "$status $*" >> "$results"
    return $status
}

serve() {
    "$impish" cloud serve --db "$db" --listen "127.0.0.1:$port" 2>> "$work/serve.log" &
    server=$!
    sleep 1
}

IMPISH_CLOUD_PASSWORD=secret "$impish" cloud account add maker --db "$db" --unbond-key $key
serve
# The webhook receiver: answers 200 and keeps each body, one a line.
python3 -c '
import http.server, sys
class Hook(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        open(sys.argv[1], "ab").write(body + b"\n")
        self.send_response(200)
        self.end_headers()
    def log_message(self, *args):
        pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[2])), Hook).serve_forever()
' "$work/hooks.txt" $hook_port &
receiver=$!
trap 'kill $server $receiver 2>/dev/null; echo "(kept in $work)"' EXIT

step "$impt" auth login --endpoint "$endpoint" --user maker --pwd secret --confirmed
step "$impt" product create --name MyProduct --descr "My product"
step "$impt" dg create --name MyProductionDG --dg-type production --product MyProduct
step "$impt" dg create --name MyDutDG --dg-type dut --product MyProduct
step "$impt" dg create --name MyFactoryDG --dg-type factory --product MyProduct --dut MyDutDG --target MyProductionDG
step "$impt" dg update --dg MyProductionDG --load-code-after-blessing false
step "$impt" build deploy --dg MyFactoryDG --device-file "$samples/factory/fixture.device.nut" \
    --agent-file "$samples/factory/fixture.agent.nut" --descr "fixture RC1"
step "$impt" build deploy --dg MyDutDG --device-file "$samples/factory/dut.device.nut" \
    --agent-file "$samples/factory/dut.agent.nut" --descr "DUT RC1"
step "$impt" build deploy --dg MyProductionDG --device-file "$samples/app/app.device.nut" \
    --agent-file "$samples/app/app.agent.nut" --descr "application RC1"
step "$impt" webhook create --dg MyProductionDG --url "http://127.0.0.1:$hook_port/blessed" --event blessing --mime json
fixture=$("$impish" cloud device add --db "$db" --type imp005 --name fixture1 --account maker)
step "$impt" device assign --device "$fixture" --dg MyFactoryDG --confirmed

line=("$impish" line "$samples/factory/line.toml" --cloud "$endpoint" --factory-dg MyFactoryDG
    --json "$work/report.json" --quiet)
# (Not exported: impt, seeing IMPT_USER, would log in to api.electricimp.com.)
line=(env IMPT_USER=maker IMPT_PASSWORD=secret "${line[@]}")
if [ "$kill" = --kill ]; then
    "${line[@]}" > "$work/line.txt" 2>&1 &
    running=$!
    for after in 5 20; do
        while [ "$(cat "$work/hooks.txt" 2> /dev/null | wc -l)" -lt $after ]; do sleep 0.1; done
        kill -9 $server
        wait $server 2> /dev/null
        echo "=== the server killed with SIGKILL after $after blessings"
        sleep 0.5
        serve
    done
    wait $running
    echo "$? ${line[*]} (the server killed twice)" >> "$results"
    cat "$work/line.txt"
else
    step "${line[@]}"
fi

step "$impt" device list --dg MyProductionDG
"$impt" device list --dg MyProductionDG --output json > "$work/devices.json"
unit=$(python3 -c '
import json, sys
print(next(u["device_id"] for u in json.load(open(sys.argv[1]))["units"] if u["blessed"]))' "$work/report.json")
step "$impt" device unassign --device "$unit" --unbond $key
step "$impt" dg unassign --dg MyProductionDG --unbond wrong-key
python3 -c '
import json, sys
blessed = sorted(u["device_id"] for u in json.load(open(sys.argv[1]))["units"] if u["blessed"])
listed = sorted(d["Device"]["id"] for d in json.load(open(sys.argv[2])))
hooks = sorted(json.loads(line)["device_id"] for line in open(sys.argv[3]))
print(f"=== {len(blessed)} units blessed; the production group listed them exactly: {listed == blessed};"
      f" one blessing webhook each: {hooks == blessed}")' "$work/report.json" "$work/devices.json" "$work/hooks.txt"
step "$impt" dg unassign --dg MyProductionDG --unbond $key
step "$impt" device list --dg MyProductionDG
step "$impt" log get --device "$fixture"
step "$impt" product delete --product MyProduct --force --builds --confirmed

echo
echo "exit status, command:"
cat "$results"
