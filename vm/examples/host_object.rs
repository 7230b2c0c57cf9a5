//! A host object exposed as a class: an LED strip the host owns and renders, driven by
//! a script. Scripts get the host's strip as the global `strip` and may make their own
//! (`LedStrip(8)`); both are instances of one native class whose methods borrow the
//! Rust value.
//!
//! ```text
//! cargo run -p impish-vm --example host_object
//! ```

use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;

use impish_vm::{ClassBuilder, Error, Profile, Vm};

/// An RGB LED strip.
struct LedStrip {
    pixels: Vec<[u8; 3]>,
    /// 0.0 (off) to 1.0 (full).
    brightness: f64,
}

impl LedStrip {
    fn new(len: usize) -> LedStrip {
        LedStrip { pixels: vec![[0; 3]; len], brightness: 1.0 }
    }

    fn set(&mut self, i: usize, rgb: [u8; 3]) -> Result<(), String> {
        let len = self.pixels.len();
        let pixel = self.pixels.get_mut(i).ok_or_else(|| format!("pixel {i} is off the strip (it has {len})"))?;
        *pixel = rgb;
        Ok(())
    }
}

/// The strip as a terminal shows it: each pixel's strongest channel, dimmed.
impl fmt::Display for LedStrip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for &[r, g, b] in &self.pixels {
            let level = f64::from(r.max(g).max(b)) * self.brightness;
            let glyph = match (level, [r, g, b].iter().position(|&c| c == r.max(g).max(b))) {
                (l, _) if l < 1.0 => '.',
                (_, Some(0)) => 'R',
                (_, Some(1)) => 'G',
                _ => 'B',
            };
            write!(f, "{glyph}")?;
        }
        Ok(())
    }
}

/// The `LedStrip` class: constructor, methods, a checked property, `_tostring`.
fn led_strip_class() -> ClassBuilder<LedStrip> {
    ClassBuilder::<LedStrip>::new("LedStrip")
        .constructor(|len: usize| if len <= 1024 { Ok(LedStrip::new(len)) } else { Err("at most 1024 pixels") })
        .method("set", |s: &mut LedStrip, i: usize, r: u8, g: u8, b: u8| s.set(i, [r, g, b]))
        .method("fill", |s: &mut LedStrip, r: u8, g: u8, b: u8| s.pixels.fill([r, g, b]))
        .method("len", |s: &LedStrip| s.pixels.len())
        .method("_tostring", |s: &LedStrip| s.to_string())
        .getter("brightness", |s: &LedStrip| s.brightness)
        .setter("brightness", |s: &mut LedStrip, level: f64| {
            if !(0.0..=1.0).contains(&level) {
                return Err(format!("brightness {level} is not in 0..1"));
            }
            s.brightness = level;
            Ok(())
        })
}

/// A VM whose global `strip` is the host's `strip`.
fn vm_with_strip(strip: &Rc<RefCell<LedStrip>>) -> Result<Vm, Error> {
    let mut vm = Vm::new(Profile::Squirrel);
    vm.register_class(led_strip_class())?;
    // The instance shares the host's value: what the script does, the host sees.
    vm.globals().set(&mut vm, "strip", strip.clone())?;
    Ok(vm)
}

/// A script that draws a moving dot, one frame per call of `frame(n)`.
const ANIMATION: &str = r#"
    strip.brightness = 0.5
    function frame(n) {
        strip.fill(0, 0, 0)
        strip.set(n % strip.len(), 255, 0, 0)
        strip.set((n + 3) % strip.len(), 0, 0, 200)
    }
"#;

fn main() -> Result<(), Error> {
    let strip = Rc::new(RefCell::new(LedStrip::new(12)));
    let mut vm = vm_with_strip(&strip)?;
    vm.eval::<()>(ANIMATION)?;
    for n in 0..6 {
        vm.call_fn::<()>("frame", n)?;
        println!("frame {n}: {}", strip.borrow());
    }
    // A script's mistakes are Squirrel errors, with the message the Rust code gave.
    if let Err(e) = vm.eval::<()>("strip.set(40, 1, 2, 3)") {
        println!("script error: {e}");
    }
    println!(
        "a script's own strip: {}",
        vm.eval::<String>("local s = LedStrip(4); s.fill(0, 255, 0); return s.tostring()")?
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_drives_the_hosts_strip() {
        let strip = Rc::new(RefCell::new(LedStrip::new(8)));
        let mut vm = vm_with_strip(&strip).expect("a VM");
        vm.eval::<()>(ANIMATION).expect("the animation loads");
        vm.call_fn::<()>("frame", 6).expect("a frame draws");
        assert_eq!(strip.borrow().pixels[6], [255, 0, 0]);
        assert_eq!(strip.borrow().pixels[1], [0, 0, 200]);
        assert_eq!(strip.borrow().brightness, 0.5);
        assert_eq!(strip.borrow().to_string(), ".B....R.");
    }

    #[test]
    fn the_class_checks_what_scripts_give_it() {
        let strip = Rc::new(RefCell::new(LedStrip::new(4)));
        let mut vm = vm_with_strip(&strip).expect("a VM");
        vm.set_gc_stress(true);
        let error = |vm: &mut Vm, source: &str| vm.eval::<()>(source).map_err(|e| e.to_string()).unwrap_err();
        assert_eq!(error(&mut vm, "strip.set(9, 1, 1, 1)"), "pixel 9 is off the strip (it has 4)");
        assert_eq!(
            error(&mut vm, "strip.set(0, 256, 0, 0)"),
            "parameter 2 has an invalid value 256 ; expected: an integer in 0..=255"
        );
        assert_eq!(error(&mut vm, "strip.brightness = 2"), "brightness 2 is not in 0..1");
        assert_eq!(error(&mut vm, "LedStrip(5000)"), "at most 1024 pixels");
        let own = vm.eval::<String>("local s = LedStrip(3); s.set(1, 0, 9, 0); return s + \"\"");
        assert_eq!(own.ok().as_deref(), Some(".G."));
        assert_eq!(*strip.borrow().pixels, [[0; 3]; 4], "the host's strip is untouched");
    }
}
