// On the imp (an ARM device) a string's bytes read unsigned: firmware compares the
// bytes an I2C read returns with constants like 0xBC.
local id = "\xBC\x7F\x80"
print(id[0] + " " + id[1] + " " + id[2] + " " + (id[0] == 0xBC) + "\n")
local sum = 0
foreach (b in id) sum += b
print(sum + " " + '\xFF' + "\n")
