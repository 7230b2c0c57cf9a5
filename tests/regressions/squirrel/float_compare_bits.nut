// Float comparison once treated -0.0 and 0.0 as equal and NaN as unequal to itself. The
// reference calls two floats equal only when their bits are, and otherwise "greater"
// unless `<` holds: -0.0 > 0.0 and 0.0 > -0.0 are both true, NaN <=> NaN is 0, and NaN
// is greater than any other number from either side. `==` still compares values.
local n = sqrt(-1.0), z = -0.0, p = 0.0;
print((z > p) + " " + (p > z) + " " + (z < p) + " " + (z >= p) + " " + (z <= p) + " " + (z <=> p) + " " + (z == p) + "\n");
print((n > 1.0) + " " + (n < 1.0) + " " + (1.0 > n) + " " + (1.0 < n) + " " + (n <=> n) + " " + (n == n) + " " + (n >= n) + "\n");
print((n > 1) + " " + (n < 1) + " " + (1 > n) + " " + (1 < n) + " " + (n <=> 1) + " " + (1 <=> n) + "\n");
print((z > 0) + " " + (0 > z) + " " + (z <=> 0) + " " + (0 <=> z) + "\n");
print((n <=> -n) + " " + (-n <=> n) + "\n");
// The same in conditions, which compile to fused compare-and-branch instructions
// (`a > b` was once `b < a` there).
if (z > p) print("A\n");
if (p > z) print("B\n");
local r = z > p; if (r) print("C\n");
if (n > 1.0) print("D\n");
if (n <= 1.0) print("E\n");
if (1.0 > n) print("F\n");
if (n > 1) print("G\n");
if (z < p) print("H\n");
if (z >= p) print("I\n");
if (z <= p) print("J\n");
while (z > p) { print("W\n"); break; }
print((z > p ? "T" : "F") + "\n");
