// `blob(n)`, `resize` and `writeblob` grew a blob past the limit.
try { blob(100000000); } catch (e) print("blob(n): " + e + "\n");
local b = blob();
try { b.resize(100000000); } catch (e) print("resize: " + e + "\n");
b.writen(42, (0x62));
try { while (true) b.writeblob(b); } catch (e) print("writeblob: " + e + ", " + (b.len() < 1000000) + "\n");
