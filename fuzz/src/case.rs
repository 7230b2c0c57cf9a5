//! Cases: a case is fully determined by (mode, profile, seed, index), so any finding can
//! be regenerated from its numbers, and a worker needs nothing but the numbers.

use fastrand::Rng;
use impish_vm::Profile;

use crate::gen::{self, Dialect};
use crate::mutate::{self, Corpus};

#[derive(Clone, Copy, PartialEq, Eq, Debug, clap::ValueEnum)]
pub enum Mode {
    /// Random programs, checked for panics, aborts and hangs.
    Gen,
    /// Mutated corpus programs, checked for panics, aborts and hangs.
    Mutate,
    /// Random programs compared with the reference `sq`.
    Diff,
}

impl Mode {
    pub fn name(self) -> &'static str {
        match self {
            Mode::Gen => "gen",
            Mode::Mutate => "mutate",
            Mode::Diff => "diff",
        }
    }
}

/// The random stream of one case: the seed and the index mixed (splitmix64), so nearby
/// indices give unrelated programs.
pub fn rng(seed: u64, index: u64) -> Rng {
    let mut z = seed ^ index.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    Rng::with_seed(z ^ (z >> 31))
}

/// The program of case `index`.
pub fn source(mode: Mode, profile: Profile, seed: u64, index: u64, corpus: &Corpus) -> String {
    let mut rng = rng(seed, index);
    match mode {
        Mode::Gen => gen::program(&mut rng, Dialect { profile, portable: false, compared: false, statements: 10 }),
        // The imp profile is compared only where the 32-bit reference is an oracle.
        Mode::Diff => {
            let portable = profile == Profile::Imp;
            gen::program(&mut rng, Dialect { profile, portable, compared: true, statements: 30 })
        }
        Mode::Mutate => {
            let n = corpus.programs.len();
            if n == 0 {
                return String::new();
            }
            let base = &corpus.programs[rng.usize(..n)].1;
            let donor = &corpus.programs[rng.usize(..n)].1;
            mutate::mutate(&mut rng, base, donor)
        }
    }
}
