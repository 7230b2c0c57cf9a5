//! The backend suite (tests/suite) on every backend.

#[macro_use]
mod suite;

mod memory {
    use super::suite;
    use impish_factory::cloud::MemoryCloud;

    backend_suite!(Box::new(MemoryCloud::new()));
}

mod sqlite {
    use super::suite;
    use impish_cloud::SqliteCloud;

    /// A cloud in a fresh file, kept beside its temporary directory for the test's life.
    struct Fresh {
        cloud: SqliteCloud,
        _dir: tempfile::TempDir,
    }

    impl std::ops::Deref for Fresh {
        type Target = SqliteCloud;
        fn deref(&self) -> &SqliteCloud {
            &self.cloud
        }
    }

    impl std::ops::DerefMut for Fresh {
        fn deref_mut(&mut self) -> &mut SqliteCloud {
            &mut self.cloud
        }
    }

    fn fresh() -> Fresh {
        let dir = tempfile::tempdir().expect("temporary directory");
        let cloud = SqliteCloud::open_file(&dir.path().join("cloud.db")).expect("sqlite cloud");
        Fresh { cloud, _dir: dir }
    }

    backend_suite!(fresh());
}
