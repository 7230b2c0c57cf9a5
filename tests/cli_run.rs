//! `impish run`: an imp's log stream as text or JSON lines, `impish imp` as its alias,
//! and `--profile squirrel` left exactly as `sq FILE`.

mod common;

use common::*;

const DEVICE: &str = r#"
    hardware.uart1.configure(9600, 8, PARITY_NONE, 1, NO_CTSRTS, function() {
        agent.send("line", hardware.uart1.readstring());
    });
"#;
const AGENT: &str = r#"device.on("line", function(text) { server.log("scanned " + text); });"#;

#[test]
fn an_imp_run_prints_its_log_and_takes_input() {
    let (device, agent) = (scratch("scan.device.nut", DEVICE), scratch("scan.agent.nut", AGENT));
    let input = scratch("scan.input", "uart1 receive \"SN-0042\" at 1.5 s  # the barcode scanner\n");
    let expected = "2026-01-01 00:00:00.000 +00:00 [Status] Agent restarted: reload.\n\
                    2026-01-01 00:00:00.000 +00:00 [Status] Device connected\n\
                    2026-01-01 00:00:01.500 +00:00 [Agent] scanned SN-0042\n";
    for command in ["run", "imp"] {
        let (code, out, err) = impish(&[command, &device, "--agent", &agent, "--input", &input, "--for", "5s"]);
        assert_eq!((code, out.as_str(), err.as_str()), (Some(0), expected, ""), "impish {command}");
    }
}

/// impCentral's log stream field names: `device_id`, `ts`, `type`, `msg`.
#[test]
fn json_output_is_one_object_per_line_with_impcentral_field_names() {
    let (device, agent) = (scratch("json.device.nut", DEVICE), scratch("json.agent.nut", AGENT));
    let input = scratch("json.input", "uart1 receive \"A\\\"B\" at 2 s\n");
    let (code, out, err) = impish(&["run", &device, "--agent", &agent, "--input", &input, "--json", "--for", "3"]);
    assert_eq!(code, Some(0), "{err}");
    let lines: Vec<serde_json::Value> =
        out.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}"))).collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert_eq!(
        lines[2],
        serde_json::json!({
            "device_id": "23000c2a69000001", "ts": "2026-01-01T00:00:02.000Z", "type": "agent.log",
            "msg": "scanned A\"B"
        })
    );
    assert_eq!(lines[1]["type"], "status");
}

#[test]
fn an_uncaught_error_fails_the_run_and_bad_inputs_name_their_file_and_line() {
    let device = scratch("boom.device.nut", "imp.wakeup(1, function() { throw \"boom\"; });\n");
    let (code, out, _) = impish(&["run", &device, "--for", "2"]);
    assert_eq!(code, Some(1));
    assert!(out.contains("[Device] ERROR: boom"), "{out}");
    let input = scratch("bad.input", "press pinC at 1\nuart1 receive \"open\n");
    let (code, _, err) = impish(&["run", &device, "--input", &input]);
    assert_eq!(code, Some(2));
    assert_eq!(err.trim(), format!("{input}: line 2: the quoted text has no closing quote"));
    let (code, _, err) = impish(&["run", &device, "--instruction-budget", "lots"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("expected a number of instructions above 0, or none"), "{err}");
}

#[test]
fn the_squirrel_profile_still_runs_a_plain_script_as_sq() {
    let script = scratch("plain.nut", "print(1 << 40); print(\"\\n\"); local t = {}; t.x;\n");
    let (code, out, err) = impish(&["run", "--profile", "squirrel", &script]);
    assert_eq!(code, Some(0), "sq exits 0 after a runtime error: {err}");
    assert_eq!(out, "1099511627776\n");
    assert!(err.contains("the index 'x' does not exist"), "{err}");
    let (code, _, err) = impish(&["run", "--profile", "squirrel", &script, "--json", "--for", "3"]);
    assert_eq!((code, err.trim()), (Some(2), "--for, --json: only with --profile imp"));
}

#[test]
fn a_reader_that_goes_away_ends_the_run_quietly() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let endless = scratch("endless.nut", "while (1) print(\"line\\n\");\n");
    for profile in ["squirrel", "imp"] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_impish"))
            .args(["run", "--profile", profile, &endless])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("impish starts");
        let mut first = String::new();
        BufReader::new(child.stdout.take().expect("piped")).read_line(&mut first).expect("a line");
        assert!(first.ends_with("line\n"), "{profile}: {first}");
        // The reader is dropped here, as `| head -1` closes its end.
        let out = child.wait_with_output().expect("impish ends");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!((out.status.code(), err.as_ref()), (Some(141), ""), "{profile}");
    }
}

/// A board file gives a lone imp the line's hardware (a jig wire, an I2C part), and
/// input-script `http` lines call its agent, whose answers are logged.
#[test]
fn a_board_file_and_http_requests_to_the_agent() {
    let device = scratch(
        "board.device.nut",
        "hardware.i2c89.configure(CLOCK_SPEED_400_KHZ);\n\
         local id = hardware.i2c89.read(0xBE, \"\\x0F\", 1);\n\
         server.log(id == null ? \"no sensor\" : format(\"sensor 0x%02X\", id[0]));\n\
         hardware.pinA.configure(DIGITAL_OUT, 1);\nhardware.pinB.configure(DIGITAL_IN);\n\
         server.log(\"loop-back \" + hardware.pinB.read());\n",
    );
    let agent = scratch(
        "board.agent.nut",
        "http.onrequest(function(req, res) {\n\
           res.header(\"Content-Type\", \"text/plain\");\n\
           res.send(req.method == \"POST\" ? 201 : 200, req.path + \" \" + req.body + \" \" + req.headers[\"x-id\"]);\n\
         });\n",
    );
    let board = scratch(
        "jig.toml",
        "[board]\ntype = \"imp005\"\nwires = [[\"pinA\", \"pinB\"]]\n\
         [[board.i2c]]\npart = \"sensor\"\nbus = \"i2c89\"\naddress = 0xBE\nregisters = [[0x0F, 0xBC]]\n",
    );
    let input = scratch(
        "http.input",
        "http GET /Status?x=1 header \"X-Id: 7\" at 2 s\nhttp POST /led \"on\" header \"X-Id: 8\" at 3 s\n",
    );
    let (code, out, err) = impish(&["run", &device, "--agent", &agent, "--board", &board, "--input", &input]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("[Device] sensor 0xBC\n") && out.contains("[Device] loop-back 1\n"), "{out}");
    assert!(out.contains("00:00:02.000 +00:00 [Status] GET /Status?x=1 answered 200: /Status  7\n"), "{out}");
    assert!(out.contains("00:00:03.000 +00:00 [Status] POST /led answered 201: /led on 8\n"), "{out}");
    let (_, bare, _) = impish(&["run", &device]);
    assert!(bare.contains("[Device] no sensor") && bare.contains("loop-back 0"), "without the board: {bare}");
    let wrong = scratch("wrong.toml", "[board]\ntype = \"imp005\"\nwires = [[\"pinA\", \"pinQQ\"]]\n");
    let (code, _, err) = impish(&["run", &device, "--board", &wrong]);
    assert_eq!((code, err.trim()), (Some(2), format!("{wrong}:3: an imp005 has no pin \"pinQQ\"").as_str()));
    let (code, _, err) = impish(&["run", &device, "--board", &board, "--type", "imp001"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("--type imp001 but the board file"), "{err}");
}

#[test]
fn input_events_after_the_end_of_the_run_are_reported() {
    let device = scratch("late.device.nut", "server.log(\"up\");\n");
    let input = scratch("late.input", "press pinC at 1 s\nuart1 receive \"x\" at 90 s\n");
    let (code, _, err) = impish(&["run", &device, "--input", &input, "--for", "10s"]);
    assert_eq!(code, Some(0));
    assert_eq!(
        err.trim(),
        format!("{input}: 1 input event(s) after the run's end at 10 s (--for) did not happen: uart1 at 90.000 s")
    );
}
