//! A result row, read column by column into the entities' types.

use super::Value;
use impish_factory::cloud::CloudError;
use std::time::Duration;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row(pub Vec<Value>);

fn corrupt(what: &str, index: usize) -> CloudError {
    CloudError::Storage(format!("column {index} is not {what}"))
}

impl Row {
    pub fn int(&self, index: usize) -> Result<i64, CloudError> {
        self.opt_int(index)?.ok_or_else(|| corrupt("an integer", index))
    }

    pub fn opt_int(&self, index: usize) -> Result<Option<i64>, CloudError> {
        match self.0.get(index) {
            Some(Value::Int(v)) => Ok(Some(*v)),
            Some(Value::Null) => Ok(None),
            _ => Err(corrupt("an integer", index)),
        }
    }

    /// An id column: a positive integer that fits the entities' `u32` ids.
    pub fn id(&self, index: usize) -> Result<u32, CloudError> {
        u32::try_from(self.int(index)?).map_err(|_| corrupt("an id", index))
    }

    pub fn opt_id(&self, index: usize) -> Result<Option<u32>, CloudError> {
        self.opt_int(index)?.map(|v| u32::try_from(v).map_err(|_| corrupt("an id", index))).transpose()
    }

    pub fn bool(&self, index: usize) -> Result<bool, CloudError> {
        Ok(self.int(index)? != 0)
    }

    pub fn text(&self, index: usize) -> Result<String, CloudError> {
        self.opt_text(index)?.ok_or_else(|| corrupt("text", index))
    }

    pub fn opt_text(&self, index: usize) -> Result<Option<String>, CloudError> {
        match self.0.get(index) {
            Some(Value::Text(v)) => Ok(Some(v.clone())),
            Some(Value::Null) => Ok(None),
            _ => Err(corrupt("text", index)),
        }
    }

    /// A time stored as nanoseconds.
    pub fn time(&self, index: usize) -> Result<Duration, CloudError> {
        Ok(Duration::from_nanos(u64::try_from(self.int(index)?).map_err(|_| corrupt("a time", index))?))
    }

    pub fn opt_time(&self, index: usize) -> Result<Option<Duration>, CloudError> {
        match self.opt_int(index)? {
            None => Ok(None),
            Some(_) => self.time(index).map(Some),
        }
    }
}

/// A time as stored: nanoseconds (saturating past 292 years).
pub fn nanos(at: Duration) -> i64 {
    i64::try_from(at.as_nanos()).unwrap_or(i64::MAX)
}
