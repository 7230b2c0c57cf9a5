//! impish-fuzz: the standing fuzzing and differential harness of impish.
//!
//! A case is a Squirrel program fully determined by (mode, profile, seed, index): a
//! grammar-aware random program ([`gen`]) or a mutated corpus program ([`mutate`]). A
//! worker process runs cases in-process, each in a fresh Vm under an instruction budget
//! and a memory limit ([`exec`]), optionally against the reference `sq` ([`reference`]);
//! the parent ([`campaign`]) survives the worker's aborts and hangs, groups failures by
//! signature ([`verdict`]) and minimises each ([`minimise`]).

#![forbid(unsafe_code)]

pub mod campaign;
pub mod case;
pub mod exec;
pub mod gen;
pub mod minimise;
pub mod mutate;
pub mod reference;
pub mod regress;
pub mod tokens;
pub mod verdict;
pub mod worker;
