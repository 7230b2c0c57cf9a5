// sorting.nut - sorting with comparators: device records sorted by several keys
// with a script comparator, names sorted as strings, integers sorted in reverse
// by a comparator, then binary searches over the result.
// Measures: sort() with script comparators (many calls), table field reads,
// string comparison, array copies.
local seed = 5;
function rnd(n) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return (seed >> 8) % n;
}
local prefixes = ["temp", "hum", "volt", "amp", "lux", "co2"];

function by_group_score_id(a, b) {
    if (a.group != b.group) return a.group < b.group ? -1 : 1;
    if (a.score != b.score) return a.score > b.score ? -1 : 1;
    return a.id <=> b.id;
}

local ROUNDS = 100;
local check = 0;
for (local r = 0; r < ROUNDS; r++) {
    local recs = [], names = [], nums = [];
    for (local i = 0; i < 2000; i++) {
        recs.push({ id = i, group = rnd(10), score = rnd(1000) });
        names.push(prefixes[rnd(6)] + "-" + rnd(10000) + "-" + i);
        nums.push(rnd(1000000) * 2000 + i);
    }
    recs.sort(by_group_score_id);
    names.sort();
    nums.sort(@(a, b) b <=> a);
    for (local i = 1; i < recs.len(); i++) if (by_group_score_id(recs[i - 1], recs[i]) > 0) throw "unsorted";
    foreach (i, rec in recs) check = (check * 31 + rec.id * (i + 1)) & 0xFFFFFFF;
    check = (check + names[0].len() + names[1999].len() + names[1000][0]) & 0xFFFFFFF;
    local found = 0;
    for (local k = 0; k < 2000; k += 7) {
        local want = nums[k];
        local lo = 0, hi = nums.len() - 1;
        while (lo <= hi) {
            local mid = (lo + hi) >> 1;
            if (nums[mid] == want) { found++; break; }
            if (nums[mid] > want) lo = mid + 1; else hi = mid - 1;
        }
    }
    check = (check + found + nums[0] % 1000) & 0xFFFFFFF;
}
print(format("check=%d\n", check));
