//! The backend suite (tests/suite) on every backend.

mod pg;
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

mod postgres {
    use super::pg::Schema;
    use super::suite;
    use impish_cloud::PostgresCloud;

    /// A cloud in a fresh schema, which goes when it does.
    pub struct Fresh {
        cloud: PostgresCloud,
        _schema: Schema,
    }

    impl Fresh {
        pub fn new() -> Fresh {
            let schema = Schema::fresh();
            Fresh { cloud: schema.connect(), _schema: schema }
        }
    }

    impl std::ops::Deref for Fresh {
        type Target = PostgresCloud;
        fn deref(&self) -> &PostgresCloud {
            &self.cloud
        }
    }

    impl std::ops::DerefMut for Fresh {
        fn deref_mut(&mut self) -> &mut PostgresCloud {
            &mut self.cloud
        }
    }

    backend_suite!(Fresh::new());
}
