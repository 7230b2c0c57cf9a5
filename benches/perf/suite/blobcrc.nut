// blobcrc.nut - blob read/write and checksums: packets of bytes, 16-bit and
// 32-bit words written into a blob, read back through the stream cursor and by
// index, then a table-driven CRC-32, a bitwise CRC-8 and a Fletcher-16 sum.
// Measures: blob writen/readn, seek/tell, b[i] get/set, bit operations over a
// precomputed array.
local crc_table = array(256, 0);
for (local n = 0; n < 256; n++) {
    local c = n;
    for (local k = 0; k < 8; k++) c = (c & 1) ? (0xEDB88320 ^ (c >> 1)) : (c >> 1);
    crc_table[n] = c;
}

function crc32(b, len) {
    local c = 0xFFFFFFFF;
    for (local i = 0; i < len; i++) c = crc_table[(c ^ b[i]) & 0xFF] ^ (c >> 8);
    return c ^ 0xFFFFFFFF;
}

function crc8(b, len) {
    local c = 0;
    for (local i = 0; i < len; i++) {
        c = c ^ b[i];
        for (local k = 0; k < 8; k++) c = (c & 0x80) ? ((c << 1) ^ 0x07) & 0xFF : (c << 1) & 0xFF;
    }
    return c;
}

function fletcher16(b, len) {
    local s1 = 0, s2 = 0;
    for (local i = 0; i < len; i++) {
        s1 = (s1 + b[i]) % 255;
        s2 = (s2 + s1) % 255;
    }
    return (s2 << 8) | s1;
}

local PKT = 256;
local ROUNDS = 6000;
local b = blob(PKT);
local acc = 0, words = 0;
for (local r = 0; r < ROUNDS; r++) {
    b.seek(0);
    for (local i = 0; i < 64; i++) b.writen((r * 131 + i * 7) & 0xFF, 'b');
    for (local i = 0; i < 32; i++) b.writen((r * 977 + i * 31) & 0xFFFF, 'w');
    for (local i = 0; i < 32; i++) b.writen((r * 7919 + i * 104729) & 0x7FFFFFFF, 'i');
    b.seek(64);
    for (local i = 0; i < 32; i++) words += b.readn('w');
    for (local i = 0; i < 32; i++) words = (words + b.readn('i')) & 0xFFFFFFFF;
    for (local i = 0; i < 64; i++) b[i] = b[i] ^ b[255 - i];
    acc = (acc * 7 + crc32(b, PKT) + crc8(b, PKT) + fletcher16(b, PKT)) & 0xFFFFFFFF;
}
print(format("acc=%08x words=%d tell=%d len=%d\n", acc, words, b.tell(), b.len()));
