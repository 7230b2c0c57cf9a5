//! What a line run produced: a record per unit (its stages, tests, LED timeline,
//! blessing, log), the fixtures' logs and printed labels, the cloud's events and
//! webhooks, and the summary a production engineer reads first. It serializes to JSON
//! for other tools (`impish line --json`) and renders as the terminal's table.

use super::description::LineDescription;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};

/// Milliseconds of simulated time since the line started.
pub type Millis = u64;

#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// The line file.
    pub line: String,
    pub product: String,
    pub seed: u64,
    pub stages: Vec<String>,
    /// Every unit, in order; or, of a line run keeping less (`line::Keep`), the rejected
    /// units, the first passing ones and any a problem names.
    pub units: Vec<UnitReport>,
    pub fixtures: Vec<FixtureReport>,
    /// Everything the cloud recorded, in order.
    pub cloud_events: Vec<CloudEventReport>,
    pub webhooks: Vec<WebhookReport>,
    pub summary: Summary,
}

#[derive(Clone, Debug, Serialize)]
pub struct UnitReport {
    /// 1-based, in the order the units came to the line.
    pub unit: usize,
    pub device_id: String,
    /// The defect or cloud fault injected into this unit, if any.
    pub injected: Option<String>,
    pub dropped_connection: bool,
    /// How far it got: "blinkup", "enrolled", "tested", "blessed" or "application".
    pub reached: Reached,
    /// The stage it got to (its name).
    pub stage: String,
    pub stages: Vec<StageReport>,
    /// The failures its DUT firmware reported, across stages.
    pub failures: Vec<String>,
    /// Its status LED when it left the line.
    pub led: &'static str,
    pub led_timeline: Vec<LedChange>,
    pub blessed: bool,
    /// It left in the production device group.
    pub in_production_group: bool,
    /// It left able to run the application without being blessed.
    pub escape: bool,
    /// What the population and the cloud's faults predict: blessed unless it was built
    /// with a defect or its bless request fails.
    pub expected_blessed: bool,
    pub placed_ms: Millis,
    pub left_ms: Millis,
    /// Milestones of its way along the line, for timelines.
    pub events: Vec<UnitEvent>,
    /// Its firmware's uncaught errors (device and agent), each with where it was raised.
    pub uncaught_errors: Vec<String>,
    pub log: Vec<String>,
}

impl UnitReport {
    /// The tests column: the firmware's own verdict on its last stage's tests ("passed",
    /// or the names of the failed tests: a failure reads `name: what went wrong`).
    pub fn tests(&self) -> String {
        let Some(stage) = self.stages.last() else { return "not run".into() };
        match (stage.verdict, stage.tests_passed) {
            (Verdict::NoBlinkUp, _) => "not run".into(),
            (_, Some(true)) => "passed".into(),
            (_, None) => "no result".into(),
            (_, Some(false)) if self.failures.is_empty() => "failed".into(),
            (_, Some(false)) => {
                let names: Vec<&str> = self.failures.iter().map(|f| f.split(':').next().unwrap_or(f).trim()).collect();
                format!("failed: {}", names.join(", "))
            }
        }
    }

    pub fn time_on_line_ms(&self) -> Millis {
        self.left_ms - self.placed_ms
    }

    /// The unit's row of the per-unit table, a cell per `COLUMNS` (the stage it reached
    /// is named when the line has several).
    pub fn cells(&self, stage_count: usize) -> [String; 8] {
        let reached = match stage_count {
            1 => self.reached.name().to_string(),
            _ => format!("{} ({})", self.reached.name(), self.stage),
        };
        let blessed = if self.blessed { "yes" } else { "no" };
        let seconds = format!("{:.1} s", self.time_on_line_ms() as f64 / 1000.0);
        let injected = match (&self.injected, self.dropped_connection) {
            (Some(fault), _) => fault.clone(),
            (None, true) => "dropped connection".into(),
            (None, false) => String::new(),
        };
        let (led, blessed) = (self.led.to_string(), blessed.to_string());
        [self.unit.to_string(), self.device_id.clone(), reached, self.tests(), led, blessed, seconds, injected]
    }
}

/// The per-unit table's columns, in the terminal and in the HTML report.
pub const COLUMNS: [&str; 8] =
    ["#", "device id", "stage reached", "tests", "LED", "blessed", "time on line", "injected"];

/// How far a unit got, in the order of the connected-factory flow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Reached {
    /// Never enrolled (no BlinkUp reached it, or the cloud refused it).
    BlinkUp,
    /// Enrolled into a DUT group and running DUT firmware.
    Enrolled,
    /// Its DUT firmware reported a result.
    Tested,
    Blessed,
    /// Blessed and restarted into the application firmware.
    Application,
}

impl Reached {
    pub fn name(self) -> &'static str {
        match self {
            Reached::BlinkUp => "blinkup",
            Reached::Enrolled => "enrolled",
            Reached::Tested => "tested",
            Reached::Blessed => "blessed",
            Reached::Application => "application",
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct StageReport {
    pub name: String,
    /// Passed means blessed (a blessing stage) or reported passing (the others).
    pub verdict: Verdict,
    /// The firmware's own verdict on its tests, when it gave one.
    pub tests_passed: Option<bool>,
    pub presses: u32,
    pub placed_ms: Millis,
    pub done_ms: Millis,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Passed,
    Failed,
    /// No BlinkUp enrolled it after every press.
    NoBlinkUp,
    /// It never reported a result before the operator gave up.
    NoResult,
}

#[derive(Clone, Debug, Serialize)]
pub struct LedChange {
    pub at_ms: Millis,
    pub color: &'static str,
}

#[derive(Clone, Debug, Serialize)]
pub struct UnitEvent {
    pub at_ms: Millis,
    pub what: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct FixtureReport {
    pub stage: String,
    pub device_id: String,
    /// What its label printer (uart0) printed.
    pub printed: String,
    pub uncaught_errors: Vec<String>,
    /// Its log, if the run kept it (see `Keep::fixture_logs`).
    pub log: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct CloudEventReport {
    pub at_ms: Millis,
    pub what: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct WebhookReport {
    pub at_ms: Millis,
    pub event: &'static str,
    pub url: String,
    pub payload: BTreeMap<String, String>,
    /// The HTTP status of its POST, or why it failed; absent when not delivered.
    pub delivery: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Summary {
    /// Why the line failed, one reason a line (see `problems`): units blessed or
    /// rejected against the prediction, uncaught firmware errors, a fixture that ignores
    /// its button. Empty for a line that works.
    pub problems: Vec<String>,
    pub processed: usize,
    pub blessed: usize,
    pub rejected: usize,
    /// Units that left able to run the application without being blessed: must be 0.
    pub escapes: usize,
    /// Units with no injected fault: the yield a correct line shows.
    pub expected_blessed: usize,
    /// Rejected units by what they were built with ("no injected fault" if nothing).
    pub rejected_by_fault: BTreeMap<String, usize>,
    pub blessing_webhooks: usize,
    pub line_time_s: f64,
    pub throughput_per_hour: f64,
    pub wall_time_s: f64,
    pub units_per_wall_second: f64,
}

/// `m:ss.s` for a simulated time, rounded to the tenth first (59.96 s is `1:00.0`).
pub fn clock(ms: Millis) -> String {
    let tenths = (ms + 50) / 100;
    format!("{}:{:02}.{}", tenths / 600, tenths % 600 / 10, tenths % 10)
}

impl Report {
    /// The line works: no unit escaped and nothing went against prediction.
    pub fn passed(&self) -> bool {
        self.summary.escapes == 0 && self.summary.problems.is_empty()
    }

    /// The per-unit table. Long lines show the rejected units and the first `limit`
    /// others, and say how many rows were left out.
    pub fn table(&self, limit: usize) -> String {
        let shown: Vec<&UnitReport> = if self.summary.processed <= limit {
            self.units.iter().collect()
        } else {
            let mut passing = 0;
            let keep = |u: &&UnitReport| {
                passing += usize::from(u.blessed);
                !u.blessed || passing <= limit
            };
            self.units.iter().filter(keep).collect()
        };
        let rows: Vec<[String; 8]> = shown.iter().map(|u| u.cells(self.stages.len())).collect();
        let mut widths = COLUMNS.map(str::len);
        for row in &rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.chars().count());
            }
        }
        let mut out = String::new();
        let mut line = |cells: &[String]| {
            let text: Vec<String> = cells.iter().zip(widths).map(|(c, w)| format!("{c:<w$}")).collect();
            let _ = writeln!(out, "{}", text.join("  ").trim_end());
        };
        line(&COLUMNS.map(String::from));
        line(&widths.map(|w| "-".repeat(w)));
        for row in &rows {
            line(row);
        }
        if shown.len() < self.summary.processed {
            let not_shown = self.summary.processed - shown.len();
            let _ = writeln!(out, "({not_shown} passing units not shown; --json has them all)");
        }
        out
    }

    /// The summary, one fact a line.
    pub fn summary_text(&self) -> String {
        let s = &self.summary;
        let percent = |n: usize| if s.processed == 0 { 0.0 } else { 100.0 * n as f64 / s.processed as f64 };
        let mut out = String::new();
        let _ = writeln!(out, "line              {} ({}, seed {})", self.line, self.product, self.seed);
        let _ = writeln!(out, "DUTs processed    {}", s.processed);
        let _ = writeln!(
            out,
            "blessed           {} ({:.1}%; {} expected)",
            s.blessed,
            percent(s.blessed),
            s.expected_blessed
        );
        let _ = writeln!(out, "rejected          {} ({:.1}%)", s.rejected, percent(s.rejected));
        let width = s.rejected_by_fault.keys().map(|f| f.chars().count()).max().unwrap_or(0);
        for (fault, n) in &s.rejected_by_fault {
            let _ = writeln!(out, "  {fault:<width$}  {n}");
        }
        let _ = writeln!(out, "factory escapes   {}", s.escapes);
        let _ = writeln!(out, "blessing webhooks {}", s.blessing_webhooks);
        let _ = writeln!(out, "line time         {} simulated", clock((s.line_time_s * 1000.0) as Millis));
        let _ = writeln!(out, "throughput        {:.0} units/hour", s.throughput_per_hour);
        let _ = writeln!(out, "wall time         {:.2} s ({:.0} units/s)", s.wall_time_s, s.units_per_wall_second);
        match (s.problems.len(), s.escapes) {
            (0, 0) => {
                let _ = writeln!(out, "verdict           passed: every unit as its faults predict, no uncaught errors");
            }
            (n, escapes) => {
                let _ = writeln!(out, "verdict           FAILED: {n} problem(s), {escapes} escape(s)");
                for problem in &s.problems {
                    let _ = writeln!(out, "  - {problem}");
                }
            }
        }
        out
    }
}

/// Writes a report's JSON as `serde_json::to_writer_pretty` does, byte for byte, but
/// each unit as it leaves the line, so a long line's units need not stay in memory:
/// the head (line, product, seed, stages) first, then the units, then the rest.
pub struct JsonWriter<W: Write> {
    out: W,
    units: usize,
    /// The first write that failed; later units are not written.
    error: Option<io::Error>,
}

/// The report's fields before its units.
#[derive(Serialize)]
struct Head<'a> {
    line: &'a str,
    product: &'a str,
    seed: u64,
    stages: Vec<&'a str>,
}

/// The report's fields after its units.
#[derive(Serialize)]
struct Tail<'a> {
    fixtures: &'a [FixtureReport],
    cloud_events: &'a [CloudEventReport],
    webhooks: &'a [WebhookReport],
    summary: &'a Summary,
}

/// `value` as pretty JSON, which is valid UTF-8.
fn pretty(value: &impl Serialize) -> io::Result<String> {
    serde_json::to_string_pretty(value).map_err(io::Error::other)
}

impl<W: Write> JsonWriter<W> {
    /// Starts the report of `line` on `out`.
    pub fn start(mut out: W, line: &LineDescription) -> io::Result<JsonWriter<W>> {
        let stages = line.stages.iter().map(|s| s.name.as_str()).collect();
        let head = pretty(&Head { line: &line.file, product: &line.product, seed: line.seed, stages })?;
        let open = head.strip_suffix("\n}").unwrap_or(&head);
        write!(out, "{open},\n  \"units\": [")?;
        Ok(JsonWriter { out, units: 0, error: None })
    }

    /// Writes the next unit (an error is kept for `finish`).
    pub fn unit(&mut self, unit: &UnitReport) {
        if self.error.is_none() {
            self.error = self.write_unit(unit).err();
        }
    }

    fn write_unit(&mut self, unit: &UnitReport) -> io::Result<()> {
        // Indented one level deeper than on its own: an array element in the report.
        // JSON strings hold no raw newlines, so every line is the structure's.
        let text = pretty(unit)?;
        self.out.write_all(if self.units == 0 { b"\n" } else { b",\n" })?;
        for (i, line) in text.split('\n').enumerate() {
            write!(self.out, "{}    {line}", if i == 0 { "" } else { "\n" })?;
        }
        self.units += 1;
        Ok(())
    }

    /// Ends the report with the rest of `report` (its units were written one by one).
    pub fn finish(mut self, report: &Report) -> io::Result<W> {
        if let Some(error) = self.error {
            return Err(error);
        }
        let tail = pretty(&Tail {
            fixtures: &report.fixtures,
            cloud_events: &report.cloud_events,
            webhooks: &report.webhooks,
            summary: &report.summary,
        })?;
        let close = if self.units == 0 { "]" } else { "\n  ]" };
        write!(self.out, "{close},{}", tail.strip_prefix('{').unwrap_or(&tail))?;
        self.out.flush()?;
        Ok(self.out)
    }
}

#[cfg(test)]
mod tests {
    use super::clock;

    #[test]
    fn the_clock_rounds_to_tenths_and_carries_into_minutes() {
        assert_eq!(clock(0), "0:00.0");
        assert_eq!(clock(9_949), "0:09.9");
        assert_eq!(clock(59_960), "1:00.0");
        assert_eq!(clock(61_250), "1:01.3");
        assert_eq!(clock(754_000), "12:34.0");
    }
}
