// `%` by zero and on non-numbers raise, as every other arithmetic operator does. The
// reference 3.2 instead leaves its left operand in the result (`1 % 0` is 1, `true % 2`
// is true): its _OP_MOD handler ignores the failure. A deliberate difference, listed in
// tests/conformance-gaps.txt.
foreach (pair in [[1, 0], [5, "z"], [true, 2], [-7, 0], [null, 1]]) {
    try {
        print(pair[0] % pair[1]);
    } catch (e) {
        print(e);
    }
    print("\n");
}
print((7.5 % 2) + " " + (-7 % 3) + "\n");
