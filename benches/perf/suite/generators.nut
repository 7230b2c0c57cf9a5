// generators.nut - generators: a counting generator, a filtering generator
// pulling from another, a sliding-window generator, and a tokenizer that yields
// words of a sample line, chained and resumed to exhaustion.
// Measures: generator creation, resume/yield, generators resuming generators.
function count(from, to) {
    for (local i = from; i < to; i++) yield i;
    return null;
}

function evens_not3(src) {
    local v;
    while ((v = resume src) != null) if (v % 2 == 0 && v % 3 != 0) yield v;
    return null;
}

function window_sums(src, w) {
    local ring = array(w, 0), n = 0, sum = 0, v;
    while ((v = resume src) != null) {
        sum += v - ring[n % w];
        ring[n % w] = v;
        n++;
        if (n >= w) yield sum;
    }
    return null;
}

function words(line) {
    local start = -1;
    for (local i = 0; i < line.len(); i++) {
        if (line[i] == ' ') {
            if (start >= 0) { yield line.slice(start, i); start = -1; }
        } else if (start < 0) start = i;
    }
    if (start >= 0) yield line.slice(start);
    return null;
}

local line = "sensor  read ok   value 42 unit mV  status nominal";
local ROUNDS = 6000;
local total = 0, windows = 0, wordlen = 0, wordcount = 0;
for (local r = 0; r < ROUNDS; r++) {
    local g = window_sums(evens_not3(count(r, r + 1000)), 4);
    local v;
    while ((v = resume g) != null) { total += v; windows++; }
    local t = words(line);
    local w;
    while ((w = resume t) != null) { wordlen += w.len(); wordcount++; }
}
print(format("total=%d windows=%d words=%d wordlen=%d\n", total, windows, wordcount, wordlen));
