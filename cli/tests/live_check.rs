//! `semconv live-check` end to end: the binary on ephemeral ports, OTLP/JSON requests over
//! loopback HTTP, `POST /stop`, then the JSON report. Traces are split across requests and
//! across the validation threads' shards; every span must be validated once and every trace
//! assembled whole.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::Duration;

const TOKEN: &str = "test-token-0123456789abcdef";

/// One HTTP/1.1 request; returns the status code and the body.
fn http(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> (u16, String) {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(30)))
        .expect("timeout");
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes()).expect("write");
    s.write_all(body).expect("write body");
    let mut answer = String::new();
    let _ = s.read_to_string(&mut answer);
    let status = answer
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = answer
        .split_once("\r\n\r\n")
        .map_or("", |(_, b)| b)
        .to_string();
    (status, body)
}

fn span(trace: u32, id: u32, parent: Option<u32>, name: &str, kind: u8, attrs: &str) -> String {
    let parent = parent.map_or(String::new(), |p| format!(r#""parentSpanId":"{p:016x}","#));
    format!(
        r#"{{"traceId":"{trace:032x}","spanId":"{id:016x}",{parent}"name":"{name}","kind":{kind},
        "startTimeUnixNano":"1000","endTimeUnixNano":"2000","attributes":[{attrs}]}}"#
    )
}

fn kv(k: &str, v: &str) -> String {
    format!(r#"{{"key":"{k}","value":{{"stringValue":"{v}"}}}}"#)
}

fn request(spans: &[String]) -> Vec<u8> {
    format!(
        r#"{{"resourceSpans":[{{"resource":{{"attributes":[{}]}},"scopeSpans":[{{"scope":{{"name":"t"}},"spans":[{}]}}]}}]}}"#,
        kv("service.name", "live-test"),
        spans.join(",")
    )
    .into_bytes()
}

/// A running `semconv live-check` on a free HTTP port.
struct Running {
    child: std::process::Child,
    addr: String,
    stderr: std::thread::JoinHandle<String>,
}

fn start(extra: &[&str]) -> Running {
    let mut args = vec![
        "live-check",
        "--http-port",
        "0",
        "--no-grpc",
        "--quiet",
        "--format",
        "json",
        "--token",
        TOKEN,
        "--duration",
        "120",
    ];
    args.extend_from_slice(extra);
    let mut child = Command::new(env!("CARGO_BIN_EXE_semconv"))
        .args(&args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("semconv live-check starts");
    let mut stderr = BufReader::new(child.stderr.take().expect("stderr"));
    let mut addr = None;
    let mut seen = String::new();
    for _ in 0..20 {
        let mut line = String::new();
        if stderr.read_line(&mut line).unwrap_or(0) == 0 {
            break;
        }
        seen.push_str(&line);
        if let Some(rest) = line.split("OTLP/HTTP http://").nth(1) {
            addr = rest.split([' ', ',', ')']).next().map(str::to_string);
            break;
        }
    }
    let addr = addr.unwrap_or_else(|| panic!("no listening line in:\n{seen}"));
    // Keep reading stderr so the child never blocks on a full pipe.
    let stderr = std::thread::spawn(move || {
        let mut rest = String::new();
        let _ = stderr.read_to_string(&mut rest);
        rest
    });
    Running {
        child,
        addr,
        stderr,
    }
}

/// `POST /stop` with the token; the JSON report and the exit code.
fn stop(mut run: Running) -> (serde_json::Value, i32) {
    let bearer = format!("Bearer {TOKEN}");
    let (status, _) = http(
        &run.addr,
        "POST",
        "/stop",
        &[("Authorization", &bearer)],
        b"",
    );
    assert!(status == 200 || status == 202, "stop answered {status}");
    let mut out = String::new();
    run.child
        .stdout
        .take()
        .expect("stdout")
        .read_to_string(&mut out)
        .expect("report");
    let status = run.child.wait().expect("exit");
    let log = run.stderr.join().unwrap_or_default();
    let code = status.code().unwrap_or(-1);
    assert!(code == 0 || code == 1, "{status:?}\n{log}");
    let report = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}\n{log}"));
    (report, code)
}

const TRACES: u32 = 40;

/// 40 traces, each split over two requests: the agent root in the second, its chat child in
/// the first.
fn send_split_traces(addr: &str) {
    let chat = [
        kv("gen_ai.operation.name", "chat"),
        kv("gen_ai.provider.name", "openai"),
        kv("gen_ai.request.model", "gpt-4o"),
    ]
    .join(",");
    let agent = [
        kv("gen_ai.operation.name", "invoke_agent"),
        kv("gen_ai.provider.name", "openai"),
        kv("gen_ai.agent.name", "helper"),
    ]
    .join(",");
    let children: Vec<String> = (1..=TRACES)
        .map(|t| span(t, t * 10 + 2, Some(t * 10 + 1), "chat gpt-4o", 3, &chat))
        .collect();
    let roots: Vec<String> = (1..=TRACES)
        .map(|t| span(t, t * 10 + 1, None, "invoke_agent helper", 1, &agent))
        .collect();
    for body in [request(&children), request(&roots)] {
        let (status, answer) = http(
            addr,
            "POST",
            "/v1/traces",
            &[("Content-Type", "application/json")],
            &body,
        );
        assert_eq!(status, 200, "{answer}");
    }
}

#[test]
fn traces_split_across_requests_and_workers_are_validated_once_and_whole() {
    let run = start(&["--no-page", "--workers", "2"]);
    send_split_traces(&run.addr);
    let (report, _) = stop(run);
    let live = &report["live_check"];
    assert_eq!(live["received"]["spans"], 80, "{live}");
    assert_eq!(live["validated"]["spans"], 80, "{live}");
    assert_eq!(report["summary"]["spans"], 80);
    let listed = report["spans"].as_array().map_or(0, Vec::len);
    assert_eq!(listed, 80, "every span listed once");
    // Every trace was assembled whole on one thread: 40 requests, each with its one chat.
    let insights = &report["insights"];
    assert_eq!(insights["requests"], TRACES, "{insights:#}");
    assert_eq!(insights["llm_calls"], TRACES, "{insights:#}");
    let per_trace = insights["traces"].as_array().expect("traces");
    assert_eq!(per_trace.len(), TRACES as usize);
    for t in per_trace {
        assert_eq!(t["spans"], 2, "{t}");
        assert_eq!(t["root"], "invoke_agent helper", "{t}");
    }
}

#[test]
fn the_page_is_served_unless_turned_off() {
    let run = start(&["--workers", "2"]);
    send_split_traces(&run.addr);
    let (status, html) = http(&run.addr, "GET", "/", &[], b"");
    assert_eq!(status, 200);
    assert!(html.contains("<html"), "{html}");
    // The page's data: every trace, each with both spans, once validation has caught up.
    let mut page = serde_json::Value::Null;
    for _ in 0..100 {
        let (status, body) = http(&run.addr, "GET", "/api/traces?page=0", &[], b"");
        assert_eq!(status, 200, "{body}");
        page = serde_json::from_str(&body).unwrap_or_else(|e| panic!("{e}: {body}"));
        if page["held"] == TRACES {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(page["held"], TRACES, "{page:#}");
    // Another site's script may not read it.
    let (status, _) = http(
        &run.addr,
        "GET",
        "/api/traces",
        &[("Origin", "http://evil.example")],
        b"",
    );
    assert_eq!(status, 403);
    stop(run);

    let run = start(&["--no-page"]);
    let (status, _) = http(&run.addr, "GET", "/", &[], b"");
    assert_eq!(status, 404, "--no-page serves no page");
    let (status, _) = http(&run.addr, "GET", "/health", &[], b"");
    assert_eq!(status, 200);
    stop(run);
}
