class V {
  x = 0; y = 0
  constructor(a, b) { x = a; y = b }
  function _add(o) { return V(x + o.x, y + o.y) }
  function _sub(o) { return V(x - o.x, y - o.y) }
  function _mul(k) { return V(x * k, y * k) }
  function _div(k) { return V(x / k, y / k) }
  function _modulo(k) { return V(x % k, y % k) }
  function _unm() { return V(-x, -y) }
  function _tostring() { return "<" + x + "," + y + ">" }
  function _typeof() { return "vec" }
  function _cmp(o) { return (x + y) <=> (o.x + o.y) }
  function _cloned(o) { x = o.x * 10 }
}
local a = V(1, 2), b = V(3, 4)
print((a + b) + " " + (b - a) + " " + (a * 3) + " " + (b / 2) + " " + (b % 2) + " " + (-a) + "\n")
print(typeof a + " " + (a < b) + " " + (a > b) + " " + (a <=> b) + " " + (clone a) + "\n")
local t = { _data = {} }
local mt = {
  _get = function(k) { if (k == "magic") return 42; throw null },
  _set = function(k, v) { ::print("set " + k + "=" + v + "\n") },
  _newslot = function(k, v) { ::print("newslot " + k + "\n") },
  _delslot = function(k) { ::print("delslot " + k + "\n"); return 7 },
  _call = function(self, p) { return "called " + p },
}
local o = {}.setdelegate(mt)
print(o.magic + "\n")
try { print(o.nothing) } catch (e) { print(e + "\n") }
o.fresh <- 1
print((delete o.gone) + "\n")
print(o(5) + "\n")
class It { items = null; constructor() { items = ["p", "q"] }
  function _nexti(i) { if (i == null) return 0; if (i + 1 < items.len()) return i + 1; return null }
  function _get(i) { return items[i] } }
foreach (k, v in It()) print(k + ":" + v + " ")
print("\n")
class Base { function _inherited(attrs) { ::print("inherited " + (attrs ? attrs.tag : "none") + "\n") }
  function _newmember(k, v, a, s) { ::print("member " + k + "\n"); this.rawnewmember(k, v, a, s) } }
class Derived extends Base </ tag = "T" /> { function f() { return 1 } }
print(Derived().f() + "\n")
