//! The math library (`sqrt`, `sin`, `rand`, `PI`, ...): globals in the reference `sq`,
//! the `math` table on the imp.
//!
//! Results are computed in single precision by the C library's float functions
//! (`sinf`, `powf`, ...), as the reference calls them for its 32-bit floats: rounding a
//! double result instead differs in the last bit for some arguments (`sin(0.10175)`).
//! `rand` is glibc's `rand()` (the additive feedback generator `random_r` uses, with
//! its seeding), so a seeded sequence matches the reference `sq` on Linux and runs are
//! reproducible: without `srand` the seed is 1, as in C.

use std::cell::RefCell;
use std::rc::Rc;

use impish_vm::{Args, Fail, NativeEntry, Profile, Value, Vm};

use crate::natives::{self, Truncated};

/// `RAND_MAX` of glibc, the reference's host.
pub const RAND_MAX: i64 = 0x7fff_ffff;

/// glibc's `TYPE_3` random generator: 31 words of state, taps 3 apart.
#[derive(Clone, Debug)]
pub struct Rand {
    state: [i32; 31],
    front: usize,
    rear: usize,
}

impl Rand {
    pub fn new(seed: u32) -> Rand {
        let mut state = [0i32; 31];
        state[0] = if seed == 0 { 1 } else { seed as i32 };
        for i in 1..31 {
            // Park–Miller "minimal standard" step, Schrage's method, as glibc does it.
            let prev = state[i - 1];
            let (hi, lo) = (prev / 127_773, prev % 127_773);
            let mut word = 16_807i32.wrapping_mul(lo).wrapping_sub(2_836i32.wrapping_mul(hi));
            if word < 0 {
                word = word.wrapping_add(2_147_483_647);
            }
            state[i] = word;
        }
        let mut r = Rand { state, front: 3, rear: 0 };
        for _ in 0..310 {
            r.draw();
        }
        r
    }

    /// The next value in `0..=RAND_MAX`.
    pub fn draw(&mut self) -> i64 {
        let sum = self.state[self.front].wrapping_add(self.state[self.rear]);
        self.state[self.front] = sum;
        self.front = (self.front + 1) % 31;
        self.rear = (self.rear + 1) % 31;
        ((sum as u32) >> 1) as i64
    }
}

impl Default for Rand {
    fn default() -> Rand {
        Rand::new(1)
    }
}

/// Plain natives (no typed-argument layer: `sin` or `fabs` in a filter loop run once
/// per sample) computing each `$f` in single precision on the arguments `$x` (numbers,
/// after `this`).
macro_rules! float_natives {
    ($mask:literal $xs:tt: $($name:literal => $f:path),* $(,)?) => {
        &[$(float_natives!(@one $mask $xs $name $f)),*]
    };
    (@one $mask:literal ($($x:ident),+) $name:literal $f:path) => {
        (
            $name,
            {
                fn native(vm: &mut Vm, args: Args) -> Result<Value, Fail> {
                    let mut i = 0;
                    $(i += 1; let $x = natives::float_arg(vm, args, i);)+
                    Ok(Value::Float($f($($x),+)))
                }
                native
            },
            [$(stringify!($x)),+].len() as i32 + 1,
            Some($mask),
        )
    };
}

/// The one-argument float functions.
const UNARY: &[NativeEntry] = float_natives!(".n" (x):
    "sqrt" => f32::sqrt,
    "sin" => f32::sin,
    "cos" => f32::cos,
    "asin" => f32::asin,
    "acos" => f32::acos,
    "log" => f32::ln,
    "log10" => f32::log10,
    "tan" => f32::tan,
    "atan" => f32::atan,
    "floor" => f32::floor,
    "ceil" => f32::ceil,
    "exp" => f32::exp,
    "fabs" => f32::abs,
);

/// The two-argument float functions.
const BINARY: &[NativeEntry] = float_natives!(".nn" (x, y): "atan2" => f32::atan2, "pow" => f32::powf);

/// Installs the library into `table` (the root table, or the imp's `math`).
pub fn install(vm: &mut Vm, table: Value) {
    vm.register_all(table, UNARY);
    vm.register_all(table, BINARY);
    // Each VM has its own generator, shared by the two natives that use it.
    let generator = Rc::new(RefCell::new(Rand::default()));
    let seeded = generator.clone();
    let profile = vm.profile();
    vm.register_fn_in(table, "srand", move |Truncated(seed): Truncated| {
        // The imp seeds its generator itself; `math.srand` is documented as a no-op.
        if profile == Profile::Squirrel {
            *seeded.borrow_mut() = Rand::new(seed as u32);
        }
    });
    vm.register_fn_in(table, "rand", move || generator.borrow_mut().draw());
    // `abs` works on the C `int`: the argument is truncated to 32 bits first.
    vm.register_fn_in(table, "abs", |Truncated(n): Truncated| (n as i32).wrapping_abs());
    natives::set(vm, table, "RAND_MAX", Value::Int(RAND_MAX));
    if profile == Profile::Imp {
        // Also a global on the imp ("the system constant RAND_MAX", Dev Center,
        // math.rand(); Promise's tests read it bare).
        let root = vm.root_table();
        natives::set(vm, root, "RAND_MAX", Value::Int(RAND_MAX));
    }
    natives::set(vm, table, "PI", Value::Float(std::f32::consts::PI));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rand_matches_glibc() {
        let mut r = Rand::new(1);
        assert_eq!([r.draw(), r.draw()], [1_804_289_383, 846_930_886]);
        let mut r = Rand::new(42);
        assert_eq!([r.draw(), r.draw()], [71_876_166, 708_592_740]);
        let mut r = Rand::default();
        assert_eq!(r.draw(), 1_804_289_383);
    }

    #[test]
    fn rand_stays_in_range() {
        let mut r = Rand::new(u32::MAX);
        assert!((0..1000).map(|_| r.draw()).all(|v| (0..=RAND_MAX).contains(&v)));
    }
}
