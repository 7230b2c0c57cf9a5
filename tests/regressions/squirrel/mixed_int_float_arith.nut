// Arithmetic between an integer and a float, every operator in its register,
// constant and small-immediate forms, either operand first: the integer converts to a
// float (exactly where a float can hold it, rounded where it cannot).
local ints = [0, 1, -7, 3, 16777217, -2147483648, 9007199254740993];
local floats = [0.5, -2.25, 3.0, 1e10, -0.0];
foreach (a in ints) {
    foreach (b in floats) {
        print(format("%d %g: %g %g %g %g %g | %g %g %g %g %g\n", a, b,
            a + b, a - b, a * b, b != 0 ? a / b : 0.0, b != 0 ? a % b : 0.0,
            b + a, b - a, b * a, a != 0 ? b / a : 0.0, a != 0 ? b % a : 0.0));
    }
}
local f = 2.5, i = 4;
print((f + 3) + " " + (f - 3) + " " + (f * 3) + " " + (f / 4) + " " + (f % 2) + "\n");
print((i + 0.25) + " " + (i - 0.25) + " " + (i * 0.25) + " " + (i / 0.25) + " " + (i % 0.75) + "\n");
print((i * 1000000.5) + " " + (7 / 2.0) + " " + (7.0 / 2) + " " + (-7 % 2.5) + "\n");
local acc = 0;
for (local k = 0; k < 10; k++) acc = acc * 1.5 + k;
print(acc + " " + typeof acc + "\n");
local t = 1.0 / 0;
print(typeof t + " " + (t > 1e30) + "\n");
