// print, error, uncaught-error reports and values named in error messages once showed
// strings past a NUL byte; the reference prints them through C %s, which stops there.
print("a" + (0).tochar() + "b\n");
print("\n" + (65).tochar() + (321).tochar() + (-191).tochar() + " " + (0).tochar().len() + "\n");
error("e\x00f\n");
local t = {};
try { t["nokey\x00zz"]; } catch (e) print(e + "|" + e.len() + "\n");
throw "a\x00b";
