// A node array of 2 MiB or more sits on huge pages: a table of 40000 integer keys and
// a few string keys (65536 nodes, 2 MiB), then lookups, updates, deletion down to a
// shrink, a clone, and foreach order.
local N = 40000;
local t = {};
for (local i = 0; i < N; i++) {
    t[i * 7 + 1] <- i;
    if (i % 200 == 0) t["k" + i] <- -i;
}
print("len " + t.len() + "\n");
local sum = 0;
for (local i = 0; i < N; i += 3) {
    sum += t[i * 7 + 1];
    t[i * 7 + 1] = 0;
}
print("sum " + sum + " in " + ((N * 7 - 6) in t) + " " + ("k" + (N - 200) in t) + " " + ("k" + N in t) + "\n");
local copy = clone t;
local n = 0;
foreach (k, v in t) {
    if (n < 12 || n % 4999 == 0) print(n + ": " + k + " = " + v + "\n");
    n++;
}
for (local i = 0; i < N; i++) {
    if (i % 10 != 0) delete t[i * 7 + 1];
}
local left = 0;
foreach (k, v in t) left += v;
print("left " + t.len() + " " + left + " copy " + copy.len() + " " + copy["k" + 400] + " " + copy[36] + "\n");
n = 0;
foreach (k, v in copy) {
    if (n % 7001 == 0) print(n + ": " + k + " = " + v + "\n");
    n++;
}
