// getstackinfos with a negative level once returned null (the reference answers an
// unknown function at line 0: it reads past the top of its call stack), level 0 had no
// locals table, and setroottable/setconsttable said "wrong type".
foreach (lv in [-1, -2, 0, 1, 5]) {
    local t = getstackinfos(lv);
    if (t == null) { print("null\n"); continue; }
    foreach (k, v in t) { if (k != "src" || lv < 1) print(k + "=" + (typeof v == "table" ? v.len() : v) + " "); }
    print("\n");
}
try { setroottable(1); } catch(e) print(e + "\n");
try { setconsttable(1); } catch(e) print(e + "\n");
try { setconsttable(null); } catch(e) print(e + "\n");
