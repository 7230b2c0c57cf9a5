function counter(n) { for (local i = 0; i < n; i++) yield i; return "done" }
local g = counter(2)
print(g.getstatus() + " " + resume g + " " + resume g + " " + resume g + " " + g.getstatus() + "\n")
try { resume g } catch (e) { print(e + "\n") }
foreach (i, v in counter(3)) print(i + "=" + v + " ")
print("\n")
local th = newthread(function(a) { local x = suspend(a + 1); local y = suspend(x * 2); return y })
print(th.getstatus() + " " + th.call(1) + " " + th.getstatus() + " " + th.wakeup(5) + " " + th.wakeup("end") + " " + th.getstatus() + "\n")
local bad = newthread(function() { suspend(1); throw "boom" })
bad.call()
try { bad.wakeup() } catch (e) { print("caught " + e + " " + bad.getstatus() + "\n") }
