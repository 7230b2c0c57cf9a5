// Arrays indexed by integers are read and written in the dispatch loop; everything
// else about an element goes the general way: a weak reference reads as its target,
// negative and past-the-end indices fail, a float index is an integer one.
local t = {};
local a = [1, t.weakref(), "s"];
print(typeof a[1] + " " + (a[1] == t) + "\n");
a[1] = 5;
a[2] = a[0] + a[1];
print(a[2] + "\n");
print(a[1.9] + "\n");
foreach (k in [-1, 3, 1 << 40]) {
    try { print(a[k]); } catch (e) print("get " + k + ": " + e + "\n");
    try { a[k] = 0; } catch (e) print("set " + k + ": " + e + "\n");
}
