// imp profile: functions the imp lacks fail like any unknown name.
local names = ["compilestring", "newthread", "setroottable", "seterrorhandler", "getconsttable",
  "setconsttable", "suspend", "setdebughook", "getstackinfos", "getenv", "escape", "startswith",
  "endswith", "dofile", "stream"]
foreach (n in names) {
  try { getroottable()[n]; print(n + " present\n") } catch (e) print(e + "\n")
}
try { compilestring("return 1") } catch (e) print(e + "\n")
local t = {a = 1}
try { t.keys() } catch (e) print(e + "\n")
try { t.values() } catch (e) print(e + "\n")
try { t.filter(@(k, v) true) } catch (e) print(e + "\n")
try { (@() 1).getroot() } catch (e) print(e + "\n")
try { (@() 1).getinfos() } catch (e) print(e + "\n")
try { split("a,,b", ",", true) } catch (e) print(e + "\n")
try { "ABC".tolower(1) } catch (e) print(e + "\n")
try { [1, 2].reduce(@(a, b) a + b, 10) } catch (e) print(e + "\n")
try { "12".tointeger(16) } catch (e) print(e + "\n")
// what the imp does have
print(split("a,,b", ",").len() + " " + strip(" x ") + " " + "ABC".tolower() + " " + [1, 2, 3].reduce(@(a, b) a + b) + "\n")
print(typeof getroottable() + " " + typeof callee + " " + typeof collectgarbage + " " + _version_ + "\n")
