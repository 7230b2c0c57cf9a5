//! Who is on the line: which units carry which defect and which meet a cloud fault,
//! drawn once from the line's seed, and the hardware each unit is built with.
//!
//! Each fault affects exactly round(fraction × duts) units and no unit gets two, so the
//! yield a run should show is known before it starts: every unit without an injected
//! fault (a dropped connection only delays a unit) should be blessed, every unit with
//! one rejected. The line's tests hold the simulation to that.

use super::description::{BoardSpec, Defect, LineDescription};
use crate::hardware::i2c::RegisterMap;
use crate::imp::Imp;
use crate::world::WorldError;
use std::time::Duration;

/// What happens to one unit, decided before the line starts.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct UnitPlan {
    /// The hardware defect it was built with: (fault name, defect index in the line).
    pub defect: Option<usize>,
    /// The cloud fails its bless request.
    pub bless_fails: bool,
    /// Its connection drops once, this long after its DUT firmware starts.
    pub drops_connection: bool,
    /// Extra seconds before each press, drawn from the operator's jitter.
    pub press_delays: Vec<Duration>,
}

impl UnitPlan {
    /// Whether a good line must reject this unit.
    pub fn should_fail(&self) -> bool {
        self.defect.is_some() || self.bless_fails
    }
}

/// How many of `duts` units a fraction names.
fn count(fraction: f64, duts: usize) -> usize {
    (fraction * duts as f64).round() as usize
}

/// Every unit's plan. Units get faults in the order of a seeded shuffle: the first
/// ones the first fault, the next ones the second, and so on; bless failures come
/// after the hardware faults, dropped connections are drawn among the rest.
pub fn plan(line: &LineDescription) -> Result<Vec<UnitPlan>, String> {
    let mut rng = fastrand::Rng::with_seed(line.seed);
    let n = line.duts;
    let mut order: Vec<usize> = (0..n).collect();
    rng.shuffle(&mut order);
    let mut plans = vec![UnitPlan::default(); n];
    let mut next = order.iter().copied();
    let faults = line.population.iter().enumerate().map(|(i, f)| (Some(i), count(f.fraction, n), f.name.as_str()));
    let bless = (None, count(line.cloud.bless_failures.0, n), "failed bless request");
    let wanted: usize = line.population.iter().map(|f| count(f.fraction, n)).sum::<usize>() + bless.1;
    if wanted > n {
        return Err(format!("the faults add up to {wanted} units, more than the line's {n} duts"));
    }
    for (defect, units, _) in faults.chain([bless]) {
        for unit in next.by_ref().take(units) {
            match defect {
                Some(d) => plans[unit].defect = Some(d),
                None => plans[unit].bless_fails = true,
            }
        }
    }
    let healthy: Vec<usize> = next.collect();
    let drops = count(line.cloud.dropped_connections.0, n);
    for &unit in healthy.iter().take(drops) {
        plans[unit].drops_connection = true;
    }
    let jitter = line.operator.jitter.0.as_secs_f64();
    for plan in &mut plans {
        let presses = line.operator.presses.max(1) as usize * line.stages.len();
        plan.press_delays = (0..presses).map(|_| Duration::from_secs_f64(rng.f64() * jitter)).collect();
    }
    Ok(plans)
}

/// Builds a unit's hardware on its imp: the jig's wires, the I2C parts with their
/// registers, then its defect, if any.
pub fn build(imp: &mut Imp, board: &BoardSpec, defect: Option<&Defect>) -> Result<(), WorldError> {
    let now = imp.now();
    let mut hardware = imp.board_mut();
    for (from, to) in &board.wires {
        hardware.wire(from, to, now);
    }
    for part in &board.parts {
        if matches!(defect, Some(Defect::RemovePart(name)) if *name == part.part) {
            continue;
        }
        let mut registers = RegisterMap::new(&part.registers);
        if let Some(Defect::SetRegisters { part: name, registers: values }) = defect {
            if *name == part.part {
                for &(register, value) in values {
                    registers.set_register(register, value);
                }
            }
        }
        // The description checked the bus names against the board.
        if let Some(bus) = hardware.i2c_bus(&part.bus) {
            bus.attach(part.address, Box::new(registers));
        }
    }
    drop(hardware);
    if let Some(Defect::StickPin { pin, level }) = defect {
        use crate::hardware::script::{Action, InputEvent};
        imp.schedule_input(InputEvent { at: now, pin: pin.clone(), action: Action::Stick(Some(*level)) })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::line::description::parse;

    fn line(extra: &str) -> LineDescription {
        let dir = std::env::temp_dir().join(format!("impish-line-population-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        std::fs::write(dir.join("x.nut"), "").expect("firmware");
        let text = format!(
            "product = \"P\"\nduts = 200\nseed = 7\n[fixture]\ndevice = \"x.nut\"\n[[stage]]\ndevice = \"x.nut\"\n\
             [application]\ndevice = \"x.nut\"\n[board]\ntype = \"imp005\"\n[[board.i2c]]\npart = \"s\"\n\
             bus = \"i2c0\"\naddress = 0xBE\n{extra}"
        );
        parse(&text, "line.toml", &dir).expect("line")
    }

    const FAULTS: &str = "[[population]]\nfault = \"dead\"\nfraction = 0.03\nremove_part = \"s\"\n\
                          [[population]]\nfault = \"stuck\"\nfraction = 0.01\nstick_pin = { pin = \"pinB\", level = 0 }\n\
                          [cloud]\nbless_failures = 0.02\ndropped_connections = 0.05\n";

    #[test]
    fn exact_counts_no_unit_twice_and_the_same_plan_from_the_same_seed() {
        let line = line(FAULTS);
        let plans = plan(&line).expect("plan");
        let with = |d| plans.iter().filter(|p| p.defect == Some(d)).count();
        assert_eq!((with(0), with(1)), (6, 2));
        assert_eq!(plans.iter().filter(|p| p.bless_fails).count(), 4);
        assert_eq!(plans.iter().filter(|p| p.drops_connection).count(), 10);
        assert!(plans.iter().all(|p| !(p.drops_connection && p.should_fail())));
        assert_eq!(plans.iter().filter(|p| p.should_fail()).count(), 12);
        assert_eq!(plan(&line).expect("plan"), plans, "reproducible");
    }

    #[test]
    fn faults_for_more_units_than_the_line_has_are_refused() {
        let line = line(
            "[[population]]\nfault = \"all\"\nfraction = 1.0\nremove_part = \"s\"\n[cloud]\nbless_failures = 0.5\n",
        );
        assert_eq!(plan(&line), Err("the faults add up to 300 units, more than the line's 200 duts".into()));
    }
}
