// `array(n)` allocated n slots whatever the limit.
foreach (n in [100000000, 100000000000]) {
    try { array(n); } catch (e) print(n + ": " + e + "\n");
}
print(array(1000, 7).len() + "\n");
