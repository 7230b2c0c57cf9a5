// b[i] and b[i] = v take a fast path past the blob's _get/_set natives: results,
// errors and overrides must stay the reference's.
local b = blob(4);
b[0] = 0x1FF;          // stored & 0xFF
b[1] = -1;
b[2] = 2.7;            // a float value goes through _set
b[3.0] = 7;            // a float index too
print(b[0] + " " + b[1] + " " + b[2] + " " + b[3] + " " + b[1.9] + "\n");
foreach (i, v in b) print(i + ":" + v + " ");
print("\n");
try { print(b[4]); } catch (e) { print("get past the end: " + e + "\n"); }
try { print(b[-1]); } catch (e) { print("get before the start: " + e + "\n"); }
try { b[4] = 1; } catch (e) { print("set past the end: " + e + "\n"); }
try { b[0] = "x"; } catch (e) { print("set a string: " + e + "\n"); }
try { print(b["len"]()); print("\n"); } catch (e) { print("string key: " + e + "\n"); }
try { print(b.rawget(0)); } catch (e) { print("rawget: " + e + "\n"); }

class Shadow extends blob {
    function _get(i) { return 100 + i; }
    function _set(i, v) { throw "read-only " + i; }
}
local s = Shadow(2);
try { s[0] = 5; } catch (e) { print(e + "\n"); }
print(s[0] + " " + s[1] + " " + s.len() + "\n");
