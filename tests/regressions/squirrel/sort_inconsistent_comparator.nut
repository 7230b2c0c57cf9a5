// A comparator that is no consistent order (it contradicts itself) still ends the
// sort with some order of the same elements, on a short array (sorted as a held
// copy) and a long one (sorted by position); impish's sort once panicked on it.
// The order it leaves is unspecified, so only the elements are checked, by sorting
// again with a consistent comparator.
function check(n, cmp) {
    local a = [];
    for (local i = 0; i < n; i++) a.push((i * 7919) % n);
    a.sort(cmp);
    local sum = 0;
    foreach (v in a) sum += v;
    a.sort(@(x, y) x <=> y);
    local ordered = true;
    foreach (i, v in a) if (v != i) ordered = false;
    print(n + " " + a.len() + " " + sum + " " + ordered + "\n");
}
local mixed = @(x, y) x == y ? 0 : ((x * 7 + y * 3) % 5 < 2 ? -1 : 1);
// Answers at random (a fixed sequence), but 0 for an element against itself.
local seed = 1;
function random(x, y) {
    if (x == y) return 0;
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return (seed >> 16) % 3 - 1;
}
foreach (n in [30, 1000, 5000]) {
    check(n, @(x, y) 1);
    check(n, @(x, y) 0);
    check(n, mixed);
    check(n, random);
}
// NaN floats under the default order: no order at all among them.
local f = [];
for (local i = 0; i < 200; i++) f.push(i % 3 == 0 ? 0.0 / 0.0 : (i * 37 % 200).tofloat());
f.sort();
local nans = 0, total = 0.0;
foreach (v in f) if (v != v) nans++; else total += v;
print(f.len() + " " + nans + " " + total + "\n");
