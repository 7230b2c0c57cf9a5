// `resize` and `push` grew an array past the limit in one step (or aborted the process).
local a = [];
try { a.resize(100000000); } catch (e) print("resize: " + e + " " + a.len() + "\n");
try { while (true) a.push(a.len()); } catch (e) print("push: " + e + "\n");
a = null;
local b = [1];
try { while (true) b.extend(b); } catch (e) print("extend: " + e + "\n");
b = array(10000, 0);
try { while (true) b = b.map(@(x) x).extend(b); } catch (e) print("map: " + e + "\n");
