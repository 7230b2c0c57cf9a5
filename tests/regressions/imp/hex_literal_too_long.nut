// The imp (32-bit integers) once accepted hex literals of more than 8 digits, wrapping
// them; its compiler, like the 32-bit sq, rejects them: too many digits for an Hex
// number, at the end of the literal (sq32: line 4, column 22).
local x = 0x100000000;
print(x);
