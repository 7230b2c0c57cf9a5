//! Delta debugging: shrink a failing program while it still fails the same way, first
//! by lines, then by tokens.

use crate::tokens::{tokenize, Kind};

/// Shrinks `source` while `fails` holds, trying at most `tries` candidates.
pub fn minimise(source: &str, tries: usize, mut fails: impl FnMut(&str) -> bool) -> String {
    let mut budget = tries;
    let lines: Vec<String> = source.split_inclusive('\n').map(str::to_string).collect();
    let lines = ddmin(lines, &mut budget, &mut fails);
    // Tokens: whitespace stays attached to the token before it, so removing a token
    // never glues two words together.
    let text = lines.concat();
    let mut tokens: Vec<String> = Vec::new();
    for (kind, t) in tokenize(&text) {
        match (kind, tokens.last_mut()) {
            (Kind::Space, Some(last)) => last.push_str(t),
            _ => tokens.push(t.to_string()),
        }
    }
    ddmin(tokens, &mut budget, &mut fails).concat()
}

/// The ddmin algorithm over `units`: remove chunks (complements of ever smaller
/// partitions) as long as what is left still fails.
fn ddmin(mut units: Vec<String>, budget: &mut usize, fails: &mut impl FnMut(&str) -> bool) -> Vec<String> {
    let mut n = 2;
    while units.len() >= 2 && *budget > 0 {
        let chunk = units.len().div_ceil(n);
        let mut removed = false;
        let mut start = 0;
        while start < units.len() && *budget > 0 {
            let end = (start + chunk).min(units.len());
            let candidate: String = units[..start].concat() + &units[end..].concat();
            *budget -= 1;
            if fails(&candidate) {
                units.drain(start..end);
                removed = true;
            } else {
                start = end;
            }
        }
        if removed {
            n = (n - 1).max(2);
        } else if chunk == 1 {
            break;
        } else {
            n = (n * 2).min(units.len());
        }
    }
    units
}
