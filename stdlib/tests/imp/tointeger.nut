// imp profile: string.tointeger() reads 0x hex, a float, or a decimal prefix.
foreach (s in ["0xFF", "0x7fffffff", "0xFFFFFFFF", "0x123456789", "42", "  -17", "2timesfour",
               "3.99", "-2.5", "99999999999", "0x", "007"]) {
  print(s + " -> " + s.tointeger() + "\n")
}
foreach (s in ["abc", "", "x12"]) {
  try { s.tointeger(); print(s + " converted\n") } catch (e) print("'" + s + "': " + e + "\n")
}
print((3.7).tointeger() + " " + true.tointeger() + " " + "1.5".tofloat() + "\n")
