// Integer-immediate operands (AddI ... ShrI) behave as constant ones: shifts past the
// width, negative operands, wrap-around, floats and type errors.
local x = 0x12345678, n = -7, f = 2.5;
print((x & 0xFF) + " " + (x | 0x100) + " " + (x ^ 0xFFFF) + " " + (x << 4) + " " + (x >> 4) + "\n");
print((n << 62) + " " + (n >> 1) + " " + (n << 64) + " " + (n >> 65) + " " + (1 << -1) + "\n");
print((n * 3) + " " + (n % 3) + " " + (7 % -3) + " " + (n * -2147483648) + " " + (f * 3) + " " + (f % 2) + "\n");
print((0x7fffffffffffffff * 2) + " " + (x * 1000000) + "\n");
try { print(f & 1); } catch (e) { print(e + "\n"); }
try { print("a" << 1); } catch (e) { print(e + "\n"); }
try { print(null * 2); } catch (e) { print(e + "\n"); }
// Bit tests in conditions (one JTestK): set, clear, negated, in loops, and on a float.
local bits = "";
for (local v = 0; v < 6; v++) {
    if (v & 1) bits += "o"; else bits += "e";
    if (!(v & 6)) bits += "z";
    while (v & 0x8000) v = 0;
}
print(bits + " " + ((-1 & 0x40) ? "neg" : "pos") + "\n");
try { if (f & 1) print("?"); } catch (e) { print(e + "\n"); }
