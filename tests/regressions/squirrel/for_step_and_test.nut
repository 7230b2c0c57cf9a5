// A `for` loop whose step is `i++`/`i--`/`i += n` on the tested counter runs the step
// and the test as one instruction: every shape must still behave as step-then-test.
local s = "";
for (local i = 0; i < 5; i++) s += i;
print(s + "\n");
s = "";
for (local i = 10; i >= 0; i -= 3) s += i + ",";
print(s + "\n");
s = "";
for (local i = 0; i <= 10; i += 5) s += i + ",";
print(s + "\n");
s = "";
for (local i = 5; i > 2; i--) s += i + ",";
print(s + "\n");
// the limit in a register, changed by the body
local n = 3, count = 0;
for (local i = 0; i < n; i++) { count++; if (i == 1) n = 6; }
print(count + "\n");
// continue goes to the step
s = "";
for (local i = 0; i < 6; i++) { if (i % 2) continue; s += i; }
print(s + "\n");
// the counter changed in the body, and never entered
s = "";
for (local i = 0; i < 10; i++) { i += 2; s += i + ","; }
for (local i = 5; i < 3; i++) s += "never";
print(s + "\n");
// a float counter, a float limit, a mixed one
s = "";
for (local x = 0.5; x < 3; x++) s += x + ",";
for (local i = 0; i < 2.5; i++) s += i + ";";
print(s + "\n");
// a step too large for one byte, a test against itself, a compound test
count = 0;
for (local i = 0; i < 1000; i += 200) count++;
for (local i = 0; i <= i && count < 10; i++) count++;
print(count + "\n");
// a limit that stops being a number fails at the test after the step
local lim = 2;
try {
    for (local i = 0; i < lim; i++) lim = "x";
} catch (e) print(e + "\n");
// integer wrap-around at the top of the range
count = 0;
for (local i = 9223372036854775806; i > 0; i++) count++;
print(count + "\n");
