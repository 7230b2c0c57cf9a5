// imp profile: the math library lives in the `math` table, not in the root table.
print(math.sqrt(16) + " " + math.abs(-7) + " " + math.fabs(-2.5) + " " + math.pow(2, 10) + "\n")
print(math.floor(-2.5) + " " + math.ceil(2.1) + " " + format("%.4f", math.atan2(1, 1)) + "\n")
print(format("%.5f", math.PI) + " " + (math.RAND_MAX > 0) + "\n")
local r = math.rand()
print((r >= 0 && r <= math.RAND_MAX) + " " + typeof r + "\n")
// srand is accepted but does nothing: the imp seeds its generator itself
math.srand(42)
print(("sqrt" in getroottable()) + " " + ("PI" in getroottable()) + " " + ("rand" in math) + "\n")
try { sqrt(4) } catch (e) print(e + "\n")
try { local x = PI } catch (e) print(e + "\n")
try { math.sqrt("x") } catch (e) print(e + "\n")
