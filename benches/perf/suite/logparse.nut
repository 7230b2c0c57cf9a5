// logparse.nut - regexp-heavy log parsing: each line is matched by an anchored
// pattern with ten captures, its message split into words, key=value words
// matched by a second pattern, error lines found by a third; counts per level
// and module live in tables.
// Measures: regexp compile-once matching and captures, slicing captured text,
// split(), tointeger(), table counters with string keys.
local levels = ["INFO", "WARN", "ERROR", "DEBUG"];
local modules = ["wifi", "sensor", "flash", "power", "uart", "i2c"];
local words = ["link", "up", "down", "retry", "timeout", "ok", "refused", "sample", "write", "read"];

local seed = 7;
function rnd(n) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return (seed >> 8) % n;
}

local lines = [];
for (local i = 0; i < 400; i++) {
    local msg = words[rnd(10)] + " " + words[rnd(10)] + " code=" + rnd(500) + " n=" + i + " " + words[rnd(10)];
    lines.push(format("2026-12-%02d T%02d:%02d:%02d.%03d [%s] %s: %s",
        1 + rnd(28), rnd(24), rnd(60), rnd(60), rnd(1000), levels[rnd(4)], modules[rnd(6)], msg));
}

local line_re = regexp(@"^(\d+)-(\d+)-(\d+) T(\d+):(\d+):(\d+)\.(\d+) \[([A-Z]+)\] ([a-z0-9]+): (.*)$");
local kv_re = regexp(@"^([a-z]+)=(\d+)$");
local bad_re = regexp(@"timeout|refused");

local per_level = {}, per_module = {};
local codes = 0, stamps = 0, bad = 0, kvs = 0, wordcount = 0;
local ROUNDS = 400;
for (local round = 0; round < ROUNDS; round++) {
    foreach (line in lines) {
        local m = line_re.capture(line);
        if (m == null) throw "no match: " + line;
        local lvl = line.slice(m[8].begin, m[8].end);
        local mod = line.slice(m[9].begin, m[9].end);
        per_level[lvl] <- (lvl in per_level ? per_level[lvl] : 0) + 1;
        per_module[mod] <- (mod in per_module ? per_module[mod] : 0) + 1;
        stamps += line.slice(m[4].begin, m[4].end).tointeger() * 3600
            + line.slice(m[5].begin, m[5].end).tointeger() * 60
            + line.slice(m[6].begin, m[6].end).tointeger();
        local msg = line.slice(m[10].begin, m[10].end);
        if (bad_re.search(msg) != null) bad++;
        foreach (w in split(msg, " ")) {
            wordcount++;
            local kv = kv_re.capture(w);
            if (kv != null) {
                kvs++;
                if (w.slice(kv[1].begin, kv[1].end) == "code") codes += w.slice(kv[2].begin, kv[2].end).tointeger();
            }
        }
    }
}
print(format("lines=%d words=%d kvs=%d codes=%d stamps=%d bad=%d\n", lines.len() * ROUNDS, wordcount, kvs, codes, stamps, bad));
foreach (l in levels) print(l + "=" + per_level[l] + "\n");
foreach (m in modules) print(m + "=" + per_module[m] + "\n");
