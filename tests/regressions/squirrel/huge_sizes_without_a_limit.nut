// Sizes past what a host can allocate aborted the process ("memory allocation failed")
// when no memory limit was set; they are catchable errors now (at most 256 MiB per growth).
try { array(100000000000); } catch (e) print("array: " + e + "\n");
local a = [];
try { a.resize(100000000000); } catch (e) print("resize: " + e + " " + a.len() + "\n");
try { blob((1e10).tointeger()); } catch (e) print("blob: " + e + "\n");
try { a.resize(0x7fffffffffffffff, 0); } catch (e) print("resize max: " + e + "\n");
