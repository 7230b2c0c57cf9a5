//! Why a line run failed, in words a line engineer acts on: every unit blessed or
//! rejected against what its faults predict, and every uncaught firmware error, named by
//! the units it struck and where it was raised (file and line).

use super::report::{FixtureReport, UnitReport, Verdict};

/// Units named one by one in a problem; the rest are counted.
const NAMED_UNITS: usize = 8;
/// Units against prediction listed one a line; the rest are counted.
const LISTED_UNITS: usize = 10;

/// The line's problems (none for a line that works).
pub fn of(units: &[UnitReport], fixtures: &[FixtureReport]) -> Vec<String> {
    // Causes first (uncaught errors), then their effects (units against prediction).
    let mut problems = Vec::new();
    for fixture in fixtures {
        let mut seen = Vec::new();
        for error in &fixture.uncaught_errors {
            if !seen.contains(&error) {
                seen.push(error);
                problems.push(format!("uncaught error in the {} fixture: {error}", fixture.stage));
            }
        }
    }
    // One problem per distinct error, however many units it struck, in order of appearance.
    let mut errors: Vec<(&str, Vec<usize>)> = Vec::new();
    for unit in units {
        for error in &unit.uncaught_errors {
            match errors.iter_mut().find(|(e, _)| e == error) {
                Some((_, struck)) if struck.last() == Some(&unit.unit) => {}
                Some((_, struck)) => struck.push(unit.unit),
                None => errors.push((error, vec![unit.unit])),
            }
        }
    }
    for (error, struck) in errors {
        problems.push(format!("uncaught error in {}: {error}", unit_list(&struck)));
    }
    let unexpected: Vec<&UnitReport> = units.iter().filter(|u| u.blessed != u.expected_blessed).collect();
    problems.extend(unexpected.iter().take(LISTED_UNITS).map(|unit| against_prediction(unit)));
    if unexpected.len() > LISTED_UNITS {
        problems
            .push(format!("{} more units were not as predicted (--json has them)", unexpected.len() - LISTED_UNITS));
    }
    problems
}

/// `unit 3 (2300...) was rejected at test (no result), though it has no injected fault`.
fn against_prediction(unit: &UnitReport) -> String {
    let id = format!("unit {} ({})", unit.unit, unit.device_id);
    let built = match &unit.injected {
        Some(fault) => format!("it has the injected fault {fault:?}"),
        None => "it has no injected fault".to_string(),
    };
    if unit.blessed {
        return format!("{id} was blessed, though {built} and should have been rejected");
    }
    let verdict = match unit.stages.last().map(|s| s.verdict) {
        Some(Verdict::NoBlinkUp) => "no BlinkUp enrolled it".to_string(),
        Some(Verdict::NoResult) => "no result before the operator gave up".to_string(),
        _ => format!("tests {}", unit.tests()),
    };
    format!("{id} was rejected at {} ({verdict}), though {built} and should have been blessed", unit.stage)
}

/// `unit 4`, `units 1, 2, 5`, `units 1, 2, 3, 4, 5, 6, 7, 8 and 27 more (35 units)`.
fn unit_list(units: &[usize]) -> String {
    let named: Vec<String> = units.iter().take(NAMED_UNITS).map(usize::to_string).collect();
    match units.len() {
        1 => format!("unit {}", named[0]),
        n if n <= NAMED_UNITS => format!("units {}", named.join(", ")),
        n => format!("units {} and {} more ({n} units)", named.join(", "), n - NAMED_UNITS),
    }
}

#[cfg(test)]
mod tests {
    use super::unit_list;

    #[test]
    fn unit_lists_name_a_few_and_count_the_rest() {
        assert_eq!(unit_list(&[4]), "unit 4");
        assert_eq!(unit_list(&[1, 2, 5]), "units 1, 2, 5");
        let many: Vec<usize> = (1..=35).collect();
        assert_eq!(unit_list(&many), "units 1, 2, 3, 4, 5, 6, 7, 8 and 27 more (35 units)");
    }
}
