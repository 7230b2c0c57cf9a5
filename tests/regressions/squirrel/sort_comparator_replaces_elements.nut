// A long array (sorted by position) whose comparator replaces every element (same
// length) and collects: the sort keeps nothing apart from the array, so the elements
// it moves at the end are the new ones, all alive, in order of their keys. One whose
// comparator shrinks it fails at once, reading no element past its new end.
local N = 5000;
local arr = [];
for (local i = 0; i < N; i++) arr.append({v = (i * 17) % N});
local replaced = false;
arr.sort(function(a, b) {
  if (!replaced) {
    replaced = true;
    for (local i = 0; i < arr.len(); i++) arr[i] = {v = arr[i].v, fresh = true};
    collectgarbage();
  }
  return a.v <=> b.v;
});
local fresh = 0, sorted = true;
foreach (i, t in arr) {
  if ("fresh" in t) fresh++;
  if (t.v != i) sorted = false;
}
print(arr.len() + " " + fresh + " " + sorted + "\n");
local calls = 0;
try {
  arr.sort(function(a, b) { calls++; arr.resize(10); collectgarbage(); return b.v <=> a.v; });
} catch (e) print(e + " after " + calls + " " + arr.len() + "\n");
local ints = [];
for (local i = 0; i < N; i++) ints.push(i);
ints.sort(function(a, b) { ints[0] = ints[0]; return b <=> a; });
print(ints[0] + " " + ints[N - 1] + "\n");
