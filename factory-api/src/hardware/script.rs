//! Input scripts: the outside world in a few readable lines, for `impish run --input`,
//! tests and line simulations.
//!
//! ```text
//! # the operator presses the green button at 2 s for 200 ms
//! press pinC at 2.0 s for 0.2 s
//! pinA analog 0.42                  # a sensor voltage, from the start
//! set pinH low at 5s                # footswitch, active low
//! set pinH released at 5.5 s        # let the pull-up take it
//! stick pinD high at 1 s            # a fault: the line is held high
//! uart1 receive "OK 42\r\n" at 1.5 s  # the part on uart1 sends a line
//! network down at 10 s for 90 s      # the device's link to the server drops
//! http GET /status at 3 s             # a client calls the agent's URL
//! http POST /led "on" header "Content-Type: text/plain" at 4 s
//! ```
//!
//! `press` drives the pin high (`press PIN ... active-low` drives it low) and drives it
//! back at the end (`for` defaults to 0.1 s). `UART receive "TEXT"` puts bytes in the
//! UART's receive buffer (its `configure` callback runs); the text is quoted and takes
//! the escapes `\r`, `\n`, `\t`, `\0`, `\\`, `\"`, `\xHH`. `network down ... for` drops
//! the device's link to the server (`Imp::schedule_disconnect`). `http METHOD PATH`
//! sends a request to the agent's URL (its `http.onrequest` answers; the answer is
//! logged): the quoted text after the path is its body, each `header "Name: value"` a
//! header; the path and quoted texts keep their case. Times take `s` or `ms`; without
//! `at` an action happens at time 0.

use crate::cloud::SimTime;
use crate::imp::http::HttpRequest;
use std::time::Duration;

#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Drive the pin to a level, or release it (`None`).
    Drive(Option<f32>),
    /// Hold the pin at a level whatever drives it, or free it (`None`).
    Stick(Option<f32>),
    /// The part on the other end of a UART sends these bytes.
    Receive(Vec<u8>),
    /// The device's network goes down for this long (`pin` is `network`).
    Disconnect(Duration),
    /// A client outside calls the agent's URL (`pin` is `agent`); the request's `url`
    /// is the path after the agent's URL, `/status?x=1`.
    Request(HttpRequest),
}

#[derive(Clone, Debug, PartialEq)]
pub struct InputEvent {
    pub at: SimTime,
    /// The pin acted on (for `Action::Receive`, the UART: `uart1`).
    pub pin: String,
    pub action: Action,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct ScriptError {
    pub line: usize,
    pub message: String,
}

/// Parses a script into events ordered by time (lines at the same time keep their order).
pub fn parse(script: &str) -> Result<Vec<InputEvent>, ScriptError> {
    let mut events = Vec::new();
    for (index, raw) in script.lines().enumerate() {
        let fail = |message: String| ScriptError { line: index + 1, message };
        let line = tokens(raw).map_err(fail)?;
        if line.words.is_empty() {
            continue;
        }
        parse_line(line, &mut events).map_err(fail)?;
    }
    events.sort_by_key(|e| e.at);
    Ok(events)
}

/// A line as read: its words up to a `#` comment, lower-cased and as written, and its
/// quoted texts (kept as bytes, their escapes decoded), each standing in the words as `"`.
#[derive(Default)]
struct Line {
    words: Vec<String>,
    written: Vec<String>,
    texts: std::collections::VecDeque<Vec<u8>>,
}

fn tokens(line: &str) -> Result<Line, String> {
    let mut read = Line::default();
    let mut chars = line.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            '#' => break,
            c if c.is_whitespace() => {
                chars.next();
            }
            '"' => {
                chars.next();
                read.texts.push_back(quoted(&mut chars)?);
                read.words.push("\"".to_string());
                read.written.push("\"".to_string());
            }
            _ => {
                let mut word = String::new();
                while let Some(&c) = chars.peek() {
                    if c.is_whitespace() || c == '#' || c == '"' {
                        break;
                    }
                    word.push(c);
                    chars.next();
                }
                read.words.push(word.to_ascii_lowercase());
                read.written.push(word);
            }
        }
    }
    Ok(read)
}

/// The bytes of a quoted text after its opening quote, through the closing one.
fn quoted(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    loop {
        let c = chars.next().ok_or("the quoted text has no closing quote")?;
        match c {
            '"' => return Ok(bytes),
            '\\' => {
                let escape = chars.next().ok_or("the quoted text ends in a backslash")?;
                match escape {
                    'n' => bytes.push(b'\n'),
                    'r' => bytes.push(b'\r'),
                    't' => bytes.push(b'\t'),
                    '0' => bytes.push(0),
                    '\\' | '"' => bytes.push(escape as u8),
                    'x' => {
                        let hex: String = chars.by_ref().take(2).collect();
                        let byte = u8::from_str_radix(&hex, 16).map_err(|_| format!("\\x{hex} is not a hex byte"))?;
                        bytes.push(byte);
                    }
                    other => return Err(format!("unknown escape \\{other} (use \\r \\n \\t \\0 \\\\ \\\" \\xHH)")),
                }
            }
            c => bytes.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes()),
        }
    }
}

fn parse_line(mut line: Line, events: &mut Vec<InputEvent>) -> Result<(), String> {
    let mut rest = Words { words: &line.words, at: 0 };
    let first = rest.next("an action")?;
    match first.as_str() {
        "press" => {
            let pin = rest.pin()?;
            let (mut at, mut duration, mut active_low) = (Duration::ZERO, Duration::from_millis(100), false);
            while let Some(word) = rest.peek() {
                match word {
                    "at" => at = rest.time_after("at")?,
                    "for" => duration = rest.time_after("for")?,
                    "active-low" => {
                        active_low = true;
                        rest.at += 1;
                    }
                    other => return Err(format!("unexpected {other:?} after press {pin}")),
                }
            }
            let (pressed, idle) = if active_low { (0.0, 1.0) } else { (1.0, 0.0) };
            events.push(InputEvent { at, pin: pin.clone(), action: Action::Drive(Some(pressed)) });
            events.push(InputEvent { at: at + duration, pin, action: Action::Drive(Some(idle)) });
        }
        "set" | "stick" => {
            let pin = rest.pin()?;
            let level = rest.level()?;
            let at = rest.optional_at()?;
            let action = if first == "set" { Action::Drive(level) } else { Action::Stick(level) };
            events.push(InputEvent { at, pin, action });
        }
        word if word.starts_with("pin") => {
            rest.at -= 1;
            let pin = rest.pin()?;
            rest.expect("analog")?;
            let value = rest.number("an analog level")?;
            if !(0.0..=1.0).contains(&value) {
                return Err(format!("analog level {value} is outside 0.0 to 1.0"));
            }
            let at = rest.optional_at()?;
            events.push(InputEvent { at, pin, action: Action::Drive(Some(value)) });
        }
        "network" => {
            rest.expect("down")?;
            let (mut at, mut duration) = (Duration::ZERO, None);
            while let Some(word) = rest.peek() {
                match word {
                    "at" => at = rest.time_after("at")?,
                    "for" => duration = Some(rest.time_after("for")?),
                    other => return Err(format!("unexpected {other:?} after network down")),
                }
            }
            let duration = duration.ok_or("network down needs \"for\" and how long")?;
            events.push(InputEvent { at, pin: "network".into(), action: Action::Disconnect(duration) });
        }
        word if word.starts_with("uart") => {
            rest.expect("receive")?;
            rest.expect("\"").map_err(|_| format!("expected the quoted text {word} receives"))?;
            let bytes = line.texts.pop_front().unwrap_or_default();
            let at = rest.optional_at()?;
            events.push(InputEvent { at, pin: word.to_string(), action: Action::Receive(bytes) });
        }
        "http" => {
            let method = rest.next("a method (GET, POST, ...)")?.to_ascii_uppercase();
            let path = line.written.get(rest.at).cloned().filter(|p| p.starts_with('/'));
            let url = path.ok_or_else(|| format!("expected the path after http {method}, like /status"))?;
            rest.at += 1;
            let mut texts = line.texts.drain(..);
            let mut request = HttpRequest { method, url, headers: Vec::new(), body: Vec::new() };
            if rest.peek() == Some("\"") {
                rest.at += 1;
                request.body = texts.next().unwrap_or_default();
            }
            while rest.peek() == Some("header") {
                rest.at += 1;
                rest.expect("\"").map_err(|_| "expected a quoted \"Name: value\" after header".to_string())?;
                let header = String::from_utf8_lossy(&texts.next().unwrap_or_default()).into_owned();
                let (name, value) = header.split_once(':').ok_or(format!("header {header:?} has no colon"))?;
                request.headers.push((name.trim().to_string(), value.trim().to_string()));
            }
            let at = rest.optional_at()?;
            events.push(InputEvent { at, pin: "agent".into(), action: Action::Request(request) });
        }
        other => {
            return Err(format!(
                "unknown action {other:?} (expected press, set, stick, PIN analog, UART receive, network down or http)"
            ))
        }
    }
    Ok(())
}

struct Words<'a> {
    words: &'a [String],
    at: usize,
}

impl Words<'_> {
    fn peek(&self) -> Option<&str> {
        self.words.get(self.at).map(String::as_str)
    }

    fn next(&mut self, what: &str) -> Result<String, String> {
        let word = self.words.get(self.at).cloned().ok_or_else(|| format!("expected {what}"))?;
        self.at += 1;
        Ok(word)
    }

    fn expect(&mut self, word: &str) -> Result<(), String> {
        match self.next(&format!("{word:?}"))? {
            w if w == word => Ok(()),
            w => Err(format!("expected {word:?}, found {w:?}")),
        }
    }

    /// Pin names keep the imp's spelling (`pinC`, `pinXA`): letters after `pin` upper-cased.
    fn pin(&mut self) -> Result<String, String> {
        let word = self.next("a pin name")?;
        match word.strip_prefix("pin") {
            Some(suffix) if !suffix.is_empty() => Ok(format!("pin{}", suffix.to_ascii_uppercase())),
            _ => Err(format!("expected a pin name like pinC, found {word:?}")),
        }
    }

    fn number(&mut self, what: &str) -> Result<f32, String> {
        let word = self.next(what)?;
        word.parse().map_err(|_| format!("expected {what}, found {word:?}"))
    }

    fn level(&mut self) -> Result<Option<f32>, String> {
        match self.next("a level (high, low, released or a number)")?.as_str() {
            "high" => Ok(Some(1.0)),
            "low" => Ok(Some(0.0)),
            "released" | "float" | "free" => Ok(None),
            other => other.parse().map(Some).map_err(|_| format!("expected a level, found {other:?}")),
        }
    }

    fn optional_at(&mut self) -> Result<SimTime, String> {
        match self.peek() {
            None => Ok(Duration::ZERO),
            Some("at") => {
                let at = self.time_after("at")?;
                match self.peek() {
                    None => Ok(at),
                    Some(extra) => Err(format!("unexpected {extra:?} at the end of the line")),
                }
            }
            Some(other) => Err(format!("expected \"at\", found {other:?}")),
        }
    }

    /// `at 2.0 s`, `for 200ms`, `at 1.5s`.
    fn time_after(&mut self, keyword: &str) -> Result<SimTime, String> {
        self.expect(keyword)?;
        let word = self.next("a time")?;
        let (number, unit) = match word.find(|c: char| c.is_ascii_alphabetic()) {
            Some(i) => (word[..i].to_string(), word[i..].to_string()),
            None if matches!(self.peek(), Some("s" | "ms")) => (word, self.next("a unit")?),
            None => (word, "s".to_string()),
        };
        let value: f64 = number.parse().map_err(|_| format!("expected a time after {keyword}, found {number:?}"))?;
        let seconds = match unit.as_str() {
            "s" => value,
            "ms" => value / 1000.0,
            other => return Err(format!("unknown time unit {other:?} (use s or ms)")),
        };
        if !(0.0..1e9).contains(&seconds) {
            return Err(format!("time {seconds} s is out of range"));
        }
        Ok(Duration::from_secs_f64(seconds))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(ms: u64) -> SimTime {
        Duration::from_millis(ms)
    }

    #[test]
    fn the_documented_forms() {
        let events = parse(
            "# line test\npress pinC at 2.0 s for 0.2 s\npinA analog 0.42\nset pinH low at 5s\n\
             set pinH released at 5500ms\nstick pinD high at 1 s\npress pinm at 3 active-low",
        )
        .expect("valid script");
        let summary: Vec<(SimTime, &str, Action)> =
            events.iter().map(|e| (e.at, e.pin.as_str(), e.action.clone())).collect();
        assert_eq!(
            summary,
            vec![
                (at(0), "pinA", Action::Drive(Some(0.42))),
                (at(1000), "pinD", Action::Stick(Some(1.0))),
                (at(2000), "pinC", Action::Drive(Some(1.0))),
                (at(2200), "pinC", Action::Drive(Some(0.0))),
                (at(3000), "pinM", Action::Drive(Some(0.0))),
                (at(3100), "pinM", Action::Drive(Some(1.0))),
                (at(5000), "pinH", Action::Drive(Some(0.0))),
                (at(5500), "pinH", Action::Drive(None)),
            ]
        );
    }

    #[test]
    fn uart_input_keeps_its_case_spaces_escapes_and_hashes() {
        let events = parse("uart1 receive \"OK # 42\\r\\n\\x01\" at 1.5 s # the sensor answers\nUART0 receive \"\"")
            .expect("valid script");
        assert_eq!(events[0], InputEvent { at: at(0), pin: "uart0".into(), action: Action::Receive(Vec::new()) });
        assert_eq!(
            events[1],
            InputEvent { at: at(1500), pin: "uart1".into(), action: Action::Receive(b"OK # 42\r\n\x01".to_vec()) }
        );
        for (bad, why) in [
            ("uart1 receive \"open", "no closing quote"),
            ("uart1 receive \"\\q\"", "unknown escape"),
            ("uart1 receive at 1", "expected the quoted text"),
            ("uart1 send \"x\"", "expected \"receive\""),
        ] {
            let err = parse(bad).expect_err(bad).message;
            assert!(err.contains(why), "{bad}: {err}");
        }
    }

    #[test]
    fn network_outages() {
        let events = parse("network down at 10 s for 90s").expect("valid script");
        assert_eq!(
            events,
            [InputEvent { at: at(10_000), pin: "network".into(), action: Action::Disconnect(Duration::from_secs(90)) }]
        );
        assert!(parse("network down at 1").expect_err("no duration").message.contains("needs \"for\""));
        assert!(parse("network up").is_err());
    }

    #[test]
    fn http_requests_to_the_agent_keep_their_path_body_and_headers() {
        let events = parse(
            "http GET /Status?x=1 at 3 s\n\
             http post /led \"On\" header \"Content-Type: text/plain\" header \"X-Id: 7\" at 4s",
        )
        .expect("valid script");
        let request = |e: &InputEvent| match &e.action {
            Action::Request(r) => r.clone(),
            other => panic!("{other:?}"),
        };
        assert_eq!((events[0].at, events[0].pin.as_str()), (at(3000), "agent"));
        let get = request(&events[0]);
        assert_eq!((get.method.as_str(), get.url.as_str(), get.body.len()), ("GET", "/Status?x=1", 0));
        let post = request(&events[1]);
        assert_eq!((post.method.as_str(), post.url.as_str(), post.body.as_slice()), ("POST", "/led", &b"On"[..]));
        let headers = [("Content-Type".to_string(), "text/plain".to_string()), ("X-Id".into(), "7".into())];
        assert_eq!(post.headers, headers);
        for (bad, why) in [
            ("http GET status", "expected the path"),
            ("http POST /x header at 1", "expected a quoted"),
            ("http POST /x header \"nocolon\"", "has no colon"),
        ] {
            let err = parse(bad).expect_err(bad).message;
            assert!(err.contains(why), "{bad}: {err}");
        }
    }

    #[test]
    fn errors_name_the_line() {
        let err = parse("press pinC at 1\nwiggle pinC").expect_err("unknown action");
        assert_eq!(err.line, 2);
        assert!(err.message.contains("wiggle"));
        assert_eq!(
            parse("pinA analog 1.5").map_err(|e| e.message),
            Err("analog level 1.5 is outside 0.0 to 1.0".into())
        );
        assert!(parse("press C at 1").is_err());
        assert!(parse("set pinC high at 2 hours").is_err());
        assert!(parse("set pinC high at -1").is_err());
    }
}
