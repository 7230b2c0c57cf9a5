// promise.nut - Promise-style chains of closures: a small Promise class with
// then/fail, settled through a microtask queue, chains of transforms where
// some steps reject and a later handler recovers, and all() over a batch.
// Measures: closure creation and calls, instance fields and methods, arrays as
// queues, exceptions as rejections.
local queue = [];
local qhead = 0;

class Promise {
    state = 0;      // 0 pending, 1 resolved, 2 rejected
    value = null;
    waiters = null;
    constructor(executor) {
        waiters = [];
        local self = this;
        executor(function(v) { self.settle(1, v); }, function(e) { self.settle(2, e); });
    }
    function settle(s, v) {
        if (state != 0) return;
        state = s; value = v;
        foreach (w in waiters) queue.push(w);
        waiters = null;
    }
    function then(ok, fail = null) {
        local src = this;
        return Promise(function(resolve, reject) {
            local run = function() {
                local handler = src.state == 1 ? ok : fail;
                if (handler == null) {
                    if (src.state == 1) resolve(src.value); else reject(src.value);
                    return;
                }
                try { resolve(handler(src.value)); } catch (e) { reject(e); }
            };
            if (src.state == 0) src.waiters.push(run); else queue.push(run);
        });
    }
    function fail(f) { return then(null, f); }
}

function drain() {
    while (qhead < queue.len()) {
        queue[qhead]();
        qhead++;
        if (qhead > 1024) { queue = queue.slice(qhead); qhead = 0; }
    }
}

function all(list) {
    return Promise(function(resolve, reject) {
        local left = list.len(), out = array(list.len(), null);
        foreach (i, p in list) {
            local idx = i;
            p.then(function(v) { out[idx] = v; if (--left == 0) resolve(out); }, reject);
        }
    });
}

local N = 12000;
local sum = 0, recovered = 0, rejected = 0;
for (local i = 0; i < N; i++) {
    local batch = [];
    for (local j = 0; j < 8; j++) {
        local k = i * 8 + j;
        local pending = null;
        local p = Promise(function(resolve, reject) { pending = resolve; })
            .then(function(v) { return v * 3; })
            .then(function(v) { if (v % 7 == 0) throw "bad " + v; return v + 1; })
            .then(function(v) { return v * 2; })
            .fail(function(e) { recovered++; return e.len(); })
            .then(function(v) { if (v % 11 == 0) throw v; return v; });
        pending(k);
        batch.push(p.fail(function(e) { rejected++; return 0; }));
    }
    all(batch).then(function(values) { foreach (v in values) sum += v; });
    drain();
}
print(format("sum=%d recovered=%d rejected=%d\n", sum, recovered, rejected));
