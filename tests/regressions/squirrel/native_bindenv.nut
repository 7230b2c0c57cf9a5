// A native bound to an environment of another type once reached `unreachable!` (a
// panic): its type mask was checked against `this` before the environment replaced it.
// sq crashes; impish checks the environment it will see.
// The environment is held by a weak reference: a local keeps it alive.
local env = {};
try { print([].sort.bindenv(env).call([3, 1, 2])) } catch (e) { print(e + "\n") }
try { print("abc".slice.bindenv(env).call("x", 1)) } catch (e) { print(e + "\n") }
print(env.setdelegate.bindenv(env).call(null, {x = 1}) == env)
print("\n")
