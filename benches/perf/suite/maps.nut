// maps.nut - tables as maps with string and integer keys: word frequencies over
// generated text, a sparse integer-keyed cache with membership tests and
// deletes, a two-level table keyed by device then metric, and iteration sums.
// Measures: table insert/update/lookup/delete with string and integer keys,
// `in`, foreach over tables, string keys built at run time.
local vocab = ["alpha", "beta", "gamma", "delta", "eps", "zeta", "eta", "theta", "iota", "kappa", "lambda", "mu"];
local seed = 11;
function rnd(n) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return (seed >> 8) % n;
}

local ROUNDS = 500;
local check = 0;
for (local r = 0; r < ROUNDS; r++) {
    local freq = {};
    for (local i = 0; i < 3000; i++) {
        local w = vocab[rnd(12)] + (rnd(4) == 0 ? rnd(50) : "");
        if (w in freq) freq[w]++; else freq[w] <- 1;
    }
    local distinct = 0, most = 0;
    foreach (w, n in freq) { distinct++; if (n > most) most = n; }

    local cache = {};
    local hits = 0, misses = 0;
    for (local i = 0; i < 4000; i++) {
        local key = rnd(5000) * 7919;
        if (key in cache) { hits++; cache[key] += 1; }
        else { misses++; cache[key] <- i; }
        if ((i & 7) == 0) {
            local gone = rnd(5000) * 7919;
            if (gone in cache) delete cache[gone];
        }
    }
    local csum = 0;
    foreach (k, v in cache) csum += v;

    local devices = {};
    for (local i = 0; i < 1500; i++) {
        local dev = "dev" + rnd(40);
        if (!(dev in devices)) devices[dev] <- { temp = 0, hum = 0, count = 0 };
        local d = devices[dev];
        d.temp += rnd(40);
        d.hum += rnd(100);
        d.count++;
    }
    local dsum = 0;
    foreach (name, d in devices) dsum += d.temp * 3 + d.hum + d.count;
    check = (check * 17 + distinct * 1000 + most + hits + misses * 3 + csum + dsum) & 0xFFFFFFFF;
}
print(format("check=%d\n", check));
