// A catastrophic pattern ran for a second per call whatever the instruction budget:
// the matching steps were native work the bytecode count did not see.
local s = "";
for (local i = 0; i < 60; i++) s += "a";
local re = regexp("(a+(a+(a+(a+(a+(a+(a+(a+(a+(a+c))))))))))");
imp.wakeup(0, function() { try { re.match(s); } catch (e) server.log("match: " + e); });
imp.wakeup(0, function() { try { re.search(s); } catch (e) server.log("search: " + e); });
imp.wakeup(0, function() { try { re.capture(s, 1); } catch (e) server.log("capture: " + e); });
imp.wakeup(0, function() { for (local i = 0; i < 100; i++) re.match(s); });
