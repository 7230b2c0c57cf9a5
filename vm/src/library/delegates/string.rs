//! The string delegate: slicing, searching and case changes.

use super::*;
use crate::api::vm::{Args, Fail, Vm};
use crate::heap::value::*;

pub(super) fn string_of(vm: &Vm, args: Args) -> Vec<u8> {
    match args.this(vm) {
        Value::Str(s) => vm.heap.str(s).to_vec(),
        _ => Vec::new(),
    }
}

pub(super) fn string_slice(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let Value::Str(s) = args.this(vm) else { return Ok(vm.bytes(b"")) };
    let (a, b) = slice_range(vm, args, vm.heap.str(s).len())?;
    Ok(Value::Str(vm.heap.intern_sub(s, a..b)))
}

pub(super) fn string_find(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    let Value::Str(sub) = args.get(vm, 1) else { return Err(vm.error("invalid param")) };
    let start = if args.len() > 2 { args.int(vm, 2) } else { 0 };
    let s: &[u8] = match args.this(vm) {
        Value::Str(s) => vm.heap.str(s),
        _ => &[],
    };
    if start < 0 || start >= s.len() as i64 {
        return Ok(Value::Null);
    }
    // C `strstr` semantics: both strings end at their first NUL.
    let hay = &s[start as usize..];
    let needle = vm.heap.str(sub);
    let needle = &needle[..needle.iter().position(|&c| c == 0).unwrap_or(needle.len())];
    if needle.is_empty() {
        return Ok(Value::Int(start));
    }
    Ok(find_bytes(hay, needle).map_or(Value::Null, |p| Value::Int(p as i64 + start)))
}

/// The first position of a non-empty `needle` without NULs in `hay` up to its first
/// NUL (as `strstr`): a scan for the needle's first byte or the end, then a comparison
/// of the rest (which cannot match across a NUL, as the needle has none).
pub(super) fn find_bytes(hay: &[u8], needle: &[u8]) -> Option<usize> {
    let (&first, rest) = needle.split_first()?;
    let mut at = 0;
    loop {
        let p = first_of(hay, at, first)?;
        if hay[p] == 0 {
            return None;
        }
        let after = &hay[p + 1..];
        if after.len() >= rest.len() && rest.iter().zip(after).all(|(a, b)| a == b) {
            return Some(p);
        }
        at = p + 1;
    }
}

/// The first index from `at` on where `hay` holds `b` or a NUL: eight bytes per step
/// (a word has such a byte when `w ^ b` or `w` has a zero byte; the lowest flagged
/// byte is always a real one), then the last few bytes one by one.
pub(super) fn first_of(hay: &[u8], at: usize, b: u8) -> Option<usize> {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    let zero_bytes = |x: u64| x.wrapping_sub(LO) & !x & HI;
    let pattern = LO * b as u64;
    let mut i = at;
    while let Some(chunk) = hay.get(i..i + 8) {
        let mut w = [0; 8];
        w.copy_from_slice(chunk);
        let w = u64::from_le_bytes(w);
        let hits = zero_bytes(w ^ pattern) | zero_bytes(w);
        if hits != 0 {
            return Some(i + hits.trailing_zeros() as usize / 8);
        }
        i += 8;
    }
    hay.get(i..)?.iter().position(|&c| c == b || c == 0).map(|p| i + p)
}

pub(super) fn change_case(vm: &mut Vm, args: Args, upper: bool) -> Result<Value, Fail> {
    // A copy to change, then the new string.
    let len = vm.str_bytes(args.this(vm)).map_or(0, <[u8]>::len);
    vm.reserve(len.saturating_mul(2))?;
    let mut s = string_of(vm, args);
    let (a, b) = slice_range(vm, args, s.len())?;
    for c in &mut s[a..b] {
        *c = if upper { c.to_ascii_uppercase() } else { c.to_ascii_lowercase() };
    }
    Ok(vm.bytes(&s))
}

pub(super) fn string_tolower(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    change_case(vm, args, false)
}

pub(super) fn string_toupper(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
    change_case(vm, args, true)
}

#[cfg(test)]
mod tests {
    use super::find_bytes;

    #[test]
    fn find_bytes_matches_a_naive_search() {
        let hay = b"key77=7177 a77";
        for needle in [&b"77"[..], b"7", b"key", b"a77", b"77 a", b"x", b"a777", b"key77=7177 a77", b"key77=7177 a77!"]
        {
            let naive = hay.windows(needle.len()).position(|w| w == needle);
            assert_eq!(find_bytes(hay, needle), naive, "{needle:?}");
        }
        assert_eq!(find_bytes(b"", b"a"), None);
    }

    #[test]
    fn find_bytes_stops_at_the_first_nul() {
        assert_eq!(find_bytes(b"ab\0cd", b"cd"), None);
        assert_eq!(find_bytes(b"ab\0cd", b"b"), Some(1));
        assert_eq!(find_bytes(b"abc\0", b"c"), Some(2));
        assert_eq!(find_bytes(b"\0ab", b"a"), None);
    }

    #[test]
    fn find_bytes_agrees_with_strstr_across_word_boundaries() {
        // Every position of the needle's first byte and of a NUL in haystacks longer
        // than a word, with bytes next to the searched one that a word-at-a-time scan
        // could mistake for it (its value xor 1, 0x80, 0xFF).
        let strstr = |hay: &[u8], needle: &[u8]| {
            let hay = &hay[..hay.iter().position(|&c| c == 0).unwrap_or(hay.len())];
            hay.windows(needle.len()).position(|w| w == needle)
        };
        for len in 0..20 {
            for fill in [b'a', b'7' ^ 1, 0x80, 0xFF] {
                for at in 0..len {
                    for nul in (0..len).chain([len]) {
                        let mut hay = vec![fill; len];
                        hay[at] = b'7';
                        if nul < len {
                            hay[nul] = 0;
                        }
                        for needle in [&b"7"[..], &[b'7', fill], &[fill, b'7']] {
                            assert_eq!(find_bytes(&hay, needle), strstr(&hay, needle), "{hay:?} {needle:?}");
                        }
                    }
                }
            }
        }
    }
}
