//! impish-factory: everything that turns a Squirrel VM into an imp.
