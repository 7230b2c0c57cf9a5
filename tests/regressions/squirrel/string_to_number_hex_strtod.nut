// A string with a '.' or an 'e' converts with C strtod, which also reads hexadecimal:
// ("0x1f" + "1e5").tofloat() is 127461 in the reference, 0 here once. Without them it
// is strtol in base 10, so "0x1f" alone is 0.
foreach (s in ["0x1f1e5", "0x1f", "0x1.8e0", "-0x1e", "0x.8e", "0x1p3e", "0x1P-2e", "0xe", "0x", "0x.e", "0xg.e", "  +0xAbCe", "0x1p+e", "0x123456789abcdef123e", "0x1.fffffffffffffffffe", "0x1p-130e", "0x1p200e", "0e", "0x1e5.tointeger", "1e5"]) {
  try { print(s + " f=" + s.tofloat()); } catch(e) print(s + " f:" + e);
  try { print(" i=" + s.tointeger()); } catch(e) print(" i:" + e);
  print("\n");
}
