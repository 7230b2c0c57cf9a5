// Floats past the integer range and NaN once converted to the saturated value (Rust's
// `as`); the reference on x86-64 gives the most negative integer for all of them, wherever a
// float becomes an integer: tointeger, abs (which then narrows to a C int), format.
local nan = sqrt(-1.0);
foreach (f in [1e20, -1e20, 1e10, -2.5, nan, 9.3e18, -9.3e18]) {
    print(f.tointeger() + " " + format("%d", f) + "\n");
}
print(abs(1e38) + " " + abs(-1e38) + "\n");
print("1e20".tointeger() + "\n");
// As an index too: NaN is the most negative integer, out of range (it was index 0).
try { print([1, 2, 3][nan]); } catch (e) print(e);
print("\n");
