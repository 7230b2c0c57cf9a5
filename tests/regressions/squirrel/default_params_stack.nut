// Two default parameters filled in near the top of a small stack once wrote past the
// stack's end (index out of bounds in enter_closure, a panic).
function clamp(v, lo = -5, hi = 7) { return v < lo ? lo : v > hi ? hi : v }
print("clamp: " + clamp(5) + "\n")
