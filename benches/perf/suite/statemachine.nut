// statemachine.nut - state machines driven by timers and callbacks: a virtual
// clock with a binary-heap timer queue runs twenty connection state machines
// (connect with timeout, retry with backoff, heartbeat, drop), each step a
// closure scheduled by the previous one, plus a table of transition handlers.
// Measures: closure creation and calls, table/instance field access, a heap of
// small tables, switch-free dispatch through a handler table.
class Timers {
    heap = null;
    now = 0;
    seq = 0;
    constructor() { heap = []; }
    function after(ms, fn) {
        seq++;
        local item = { at = now + ms, seq = seq, fn = fn };
        heap.push(item);
        local i = heap.len() - 1;
        while (i > 0) {
            local p = (i - 1) >> 1;
            if (!before(heap[i], heap[p])) break;
            local t = heap[p]; heap[p] = heap[i]; heap[i] = t;
            i = p;
        }
    }
    function before(a, b) { return a.at < b.at || (a.at == b.at && a.seq < b.seq); }
    function next() {
        local top = heap[0];
        local last = heap.pop();
        if (heap.len() > 0) {
            heap[0] = last;
            local i = 0, n = heap.len();
            while (true) {
                local l = i * 2 + 1, r = l + 1, m = i;
                if (l < n && before(heap[l], heap[m])) m = l;
                if (r < n && before(heap[r], heap[m])) m = r;
                if (m == i) break;
                local t = heap[m]; heap[m] = heap[i]; heap[i] = t;
                i = m;
            }
        }
        now = top.at;
        return top.fn;
    }
}

local timers = Timers();
local seed = 42;
function chance(pct) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return ((seed >> 8) % 100) < pct;
}

local stats = { connects = 0, timeouts = 0, beats = 0, drops = 0, retries = 0 };
local handlers = {};

function make_conn(id) {
    local conn = { id = id, state = "idle", backoff = 100, beats = 0 };
    conn.go <- function(ev) { handlers[state + ":" + ev](this); }.bindenv(conn);
    return conn;
}

handlers["idle:start"] <- function(c) {
    c.state = "connecting";
    timers.after(chance(70) ? 30 : 500, function() { c.go(chance(80) ? "ok" : "fail"); });
};
handlers["connecting:ok"] <- function(c) {
    c.state = "online"; c.backoff = 100; stats.connects++;
    timers.after(1000, function() { c.go("beat"); });
};
handlers["connecting:fail"] <- function(c) {
    c.state = "waiting"; stats.timeouts++;
    timers.after(c.backoff, function() { c.go("retry"); });
    c.backoff = c.backoff < 8000 ? c.backoff * 2 : 8000;
};
handlers["waiting:retry"] <- function(c) {
    stats.retries++; c.state = "idle"; c.go("start");
};
handlers["online:beat"] <- function(c) {
    stats.beats++; c.beats++;
    if (chance(3)) { c.state = "idle"; stats.drops++; timers.after(50, function() { c.go("start"); }); }
    else timers.after(1000, function() { c.go("beat"); });
};

local conns = [];
for (local i = 0; i < 20; i++) { local c = make_conn(i); conns.push(c); c.go("start"); }
local END = 20000000;
local steps = 0;
while (timers.heap.len() > 0 && timers.heap[0].at <= END) {
    timers.next()();
    steps++;
}
local total_beats = 0;
foreach (c in conns) total_beats += c.beats;
print(format("steps=%d now=%d connects=%d timeouts=%d beats=%d drops=%d retries=%d check=%d\n",
    steps, timers.now, stats.connects, stats.timeouts, stats.beats, stats.drops, stats.retries, total_beats));
