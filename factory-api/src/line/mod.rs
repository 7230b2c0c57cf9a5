//! `impish line`: a connected-factory assembly line, simulated before a single fixture
//! is built.
//!
//! A line file (`description`) names the firmware of each stage's fixture and DUTs and
//! the application, the operator's timing, the units' hardware and the fraction of
//! them built faulty, and the cloud's faults. `population` decides from the seed which
//! unit gets which fault; `runner` drives every unit through the `World` and its
//! `CloudBackend` — BlinkUp, enrolment, tests, blessing, application — and `report`
//! collects what happened, rendered for the terminal, as JSON, or as a single HTML
//! page with a timeline per unit (`html`); `problems` says why a run failed.

pub mod description;
pub mod html;
pub mod population;
pub mod problems;
pub mod report;
pub mod runner;

pub use description::{load, load_with_libraries, LineDescription, LineError};
pub use report::Report;
pub use runner::{run, run_keeping, run_on, Keep, KeptCloud, Progress};
