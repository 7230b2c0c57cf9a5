// -2147483648 / -1 once raised "integer overflow" in the 64-bit profile, where it is
// 2147483648. The 64-bit minimum divided by -1 really overflows: the reference dies of
// SIGFPE there (x86 idiv), impish raises "integer overflow" (a deliberate difference,
// see tests/conformance-gaps.txt); `% -1` is 0 for every dividend.
local d = -1, m = -9223372036854775807 - 1;
print((-2147483648 / -1) + " " + (-2147483648 % -1) + "\n");
local x = -2147483647 - 1;
x /= d;
print(x + "\n");
try { print(m / d); } catch (e) print(e);
print("\n");
print((m % d) + " " + (m * d) + " " + (-m) + "\n");
