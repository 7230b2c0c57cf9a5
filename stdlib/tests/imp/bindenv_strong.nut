// The imp keeps a bindenv environment alive through the bound function (3.0.4
// behaviour the Promise library relies on); stock 3.2 holds it weakly.
local f = (function() { return this.name; }).bindenv({ name = "kept" });
collectgarbage();
print(f() + "\n");
local g = (function() { return this.n; }).bindenv({ n = 1 });
for (local i = 0; i < 200000; i++) local garbage = { i = i };
collectgarbage();
print(g() + "\n");
