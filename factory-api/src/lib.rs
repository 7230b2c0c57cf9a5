//! impish-factory: everything that turns a Squirrel VM into an imp.
//!
//! `cloud` plays impCentral for factory lines: device groups and their targets,
//! enrolment, blessing, webhooks and logs, behind the `CloudBackend` trait.
//! `hardware` models pins, buses, flash and UARTs, with scriptable inputs.
//! `scheduler` is the event queue on a virtual clock; `status_led` the DUT's LED;
//! `timing` how long the factory's steps take.
//! `imp` is the runtime itself: a device VM and an agent VM bound to the imp API,
//! sharing the scheduler, a board and one log stream.
//! `world` runs several imps on one clock against one cloud: a factory line.
//! `line` simulates a whole assembly line from a line file, and reports on it.
//! `builder` assembles sources as Electric Imp's Builder does (`@include`, `@if`,
//! `#require`), with `#line` markers back to the original files.
//! `testing` is `impish test`: impt's test runner, local and in virtual time.

#![forbid(unsafe_code)]

pub mod builder;
pub mod cloud;
pub mod hardware;
pub mod imp;
pub mod line;
pub mod scheduler;
pub mod status_led;
pub mod testing;
pub mod timing;
pub mod world;
