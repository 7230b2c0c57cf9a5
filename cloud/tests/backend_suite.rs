//! The backend suite (tests/suite) on every backend.

#[macro_use]
mod suite;

mod memory {
    use super::suite;
    use impish_factory::cloud::MemoryCloud;

    backend_suite!(Box::new(MemoryCloud::new()));
}
