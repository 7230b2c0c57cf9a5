// suspend() in a generator the thread resumed (by resume or foreach) suspends the thread
// and the generator with it, as sq, where generators run on their thread's stack; an
// error the generator raises after waking reaches the thread. Once "cannot suspend the
// main thread".
local t = newthread(function() {
  local g = (function() { local x = ::suspend("in gen"); yield x * 2; yield ::suspend("again") + 1; })();
  local first = resume g;
  local second = resume g;
  return first + second;
});
print(t.call() + "\n");
print(t.wakeup(10) + "\n");
print(t.wakeup(5) + " " + t.getstatus() + "\n");
local t2 = newthread(function() {
  local sum = 0;
  foreach (v in (function() { for (local i = 0; i < 3; i++) yield ::suspend(i); })()) sum += v;
  return sum;
});
local r = t2.call();
while (t2.getstatus() == "suspended") { print("got " + r + "\n"); r = t2.wakeup(r * 10); }
print("sum " + r + "\n");
local t3 = newthread(function() {
  local g = (function() { yield 1; ::suspend("g"); throw "gen error"; })();
  resume g;
  try { resume g; } catch (e) { return "caught " + e + " " + g.getstatus(); }
});
print(t3.call() + "\n");
print(t3.wakeup() + "\n");
