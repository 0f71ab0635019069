#!/usr/bin/env python3
"""Generate real OTLP output of opentelemetry-instrumentation-openai-v2.

Own script (not code of the instrumented packages). It:

* starts a fake OpenAI-compatible server on 127.0.0.1 (stdlib http.server),
* starts a fake OTLP/HTTP receiver on 127.0.0.1 that stores every request
  body it receives as a length-prefixed frame (4-byte big-endian length, then
  the protobuf body), one file per signal and mode,
* configures the OpenTelemetry SDK (traces, logs, metrics) with the real
  opentelemetry-exporter-otlp-proto-http exporters plus in-memory exporters,
* instruments the official `openai` client with OpenAIInstrumentor and runs a
  small scripted "weather-bot" agent (3 user turns, each a root
  `invoke_agent weather-bot` span),
* converts the captured protobuf requests to OTLP/JSON and computes the
  expected figures from the in-memory spans into expected.json.

Each mode runs in its own child process (the instrumentation reads its
environment variables when it is set up), so:

    python generate.py              # all modes, writes files next to this script
    python generate.py --mode NAME  # (internal) one mode, prints its figures as JSON
"""

import base64
import json
import os
import random
import struct
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))

# Each mode: which venv runs it (see README.md for the exact pins) and the
# environment given to the instrumentation.
#   legacy = opentelemetry-instrumentation-openai-v2 2.3b0 (GenAI semconv v1.30.0:
#            gen_ai.system, gen_ai.*.message / gen_ai.choice log events)
#   latest = opentelemetry-instrumentation-openai-v2 2.4b0 + opentelemetry-util-genai
#            (latest experimental GenAI semconv: gen_ai.provider.name,
#            gen_ai.input/output.messages, gen_ai.client.inference.operation.details)
PYTHONS = {
    "legacy": os.environ.get("OPENAI_V2_LEGACY_PYTHON", "/tmp/venv-openai-legacy/bin/python"),
    "latest": os.environ.get("OPENAI_V2_LATEST_PYTHON", "/tmp/venv-openai/bin/python"),
}
MODES = {
    "no-content": ("legacy", {}),
    "content": ("legacy", {"OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT": "true"}),
    "latest-no-content": ("latest", {"OTEL_SEMCONV_STABILITY_OPT_IN": "gen_ai_latest_experimental"}),
    "latest-content": (
        "latest",
        {
            "OTEL_SEMCONV_STABILITY_OPT_IN": "gen_ai_latest_experimental",
            "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT": "span_and_event",
        },
    ),
}
MODE_SEEDS = {"no-content": 1001, "content": 2002, "latest-no-content": 3003, "latest-content": 4004}

USER_REQUESTS = ["What's the weather in Paris?", "And in Atlantis?", "Thanks!"]
LLM_OPERATIONS = {"chat", "text_completion", "generate_content"}
REQUEST_MODEL = "gpt-4o-mini"
RESPONSE_MODEL = "gpt-4o-mini-2024-07-18"
FINGERPRINT = "fp_0aa8d3e20b"
CREATED = 1767225600  # fixed "created" timestamp in canned responses

WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather for a city",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
        },
    },
}


# --------------------------------------------------------------------------
# Fake OpenAI server
# --------------------------------------------------------------------------


class FakeOpenAI:
    """Canned chat.completions answers; decides the shape from the request."""

    def __init__(self):
        self.counter = 0
        self.lock = threading.Lock()

    def next_id(self):
        with self.lock:
            self.counter += 1
            return "chatcmpl-fake%04d" % self.counter

    def answer(self, body):
        messages = body.get("messages", [])
        last = messages[-1] if messages else {}
        text_in = json.dumps(messages)
        prompt_tokens = 20 + 7 * len(messages)
        if body.get("stream"):
            if last.get("role") == "tool":
                text = "It is 18 degrees and sunny in Paris."
            else:
                text = "You're welcome! Have a nice day."
            include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
            return "stream", self.stream_chunks(text, prompt_tokens, include_usage)
        if body.get("tools") and last.get("role") == "user":
            city = "Atlantis" if "Atlantis" in last.get("content", "") else "Paris"
            return "json", self.tool_call_reply(city, prompt_tokens)
        # plain reply after a (failed) tool result: cached prompt tokens
        text = "Sorry, I could not find the weather for Atlantis."
        if "Atlantis" not in text_in:
            text = "Hello!"
        return "json", self.plain_reply(text, prompt_tokens, cached=32)

    def base(self, obj="chat.completion"):
        return {
            "id": self.next_id(),
            "object": obj,
            "created": CREATED,
            "model": RESPONSE_MODEL,
            "system_fingerprint": FINGERPRINT,
            "service_tier": "default",
        }

    def plain_reply(self, text, prompt_tokens, cached=None):
        completion_tokens = len(text.split()) + 2
        usage = {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        }
        if cached is not None:
            usage["prompt_tokens_details"] = {"cached_tokens": cached, "audio_tokens": 0}
        r = self.base()
        r["choices"] = [
            {
                "index": 0,
                "message": {"role": "assistant", "content": text, "refusal": None},
                "logprobs": None,
                "finish_reason": "stop",
            }
        ]
        r["usage"] = usage
        return r

    def tool_call_reply(self, city, prompt_tokens):
        r = self.base()
        r["choices"] = [
            {
                "index": 0,
                "message": {
                    "role": "assistant",
                    "content": None,
                    "refusal": None,
                    "tool_calls": [
                        {
                            "id": "call_weather_%s" % city.lower(),
                            "type": "function",
                            "function": {
                                "name": "get_weather",
                                "arguments": json.dumps({"city": city}),
                            },
                        }
                    ],
                },
                "logprobs": None,
                "finish_reason": "tool_calls",
            }
        ]
        r["usage"] = {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": 17,
            "total_tokens": prompt_tokens + 17,
            "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
        }
        return r

    def stream_chunks(self, text, prompt_tokens, include_usage):
        base = self.base("chat.completion.chunk")
        words = text.split(" ")
        chunks = []

        def chunk(delta, finish=None):
            c = dict(base)
            c["choices"] = [
                {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
            ]
            if include_usage:
                c["usage"] = None
            return c

        chunks.append(chunk({"role": "assistant", "content": "", "refusal": None}))
        for i, w in enumerate(words):
            chunks.append(chunk({"content": w if i == 0 else " " + w}))
        chunks.append(chunk({}, "stop"))
        if include_usage:
            completion_tokens = len(words) + 2
            c = dict(base)
            c["choices"] = []
            c["usage"] = {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
                "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
            }
            chunks.append(c)
        return chunks


def reply(handler, status, content_type, data):
    """Answers a request of `handler` with `data` (its length given)."""
    handler.send_response(status)
    if content_type:
        handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    if data:
        handler.wfile.write(data)


class QuietHandler(BaseHTTPRequestHandler):
    """HTTP/1.1, no request log; `body()` reads the request's body."""

    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def body(self):
        return self.rfile.read(int(self.headers.get("Content-Length", "0")))


def make_openai_handler(fake):
    class Handler(QuietHandler):
        def do_POST(self):
            body = json.loads(self.body() or b"{}")
            if not self.path.endswith("/chat/completions"):
                reply(self, 404, None, b"")
                return
            kind, payload = fake.answer(body)
            if kind == "json":
                reply(self, 200, "application/json", json.dumps(payload).encode())
            else:
                data = b"".join(
                    b"data: " + json.dumps(c).encode() + b"\n\n" for c in payload
                ) + b"data: [DONE]\n\n"
                reply(self, 200, "text/event-stream", data)

    return Handler


# --------------------------------------------------------------------------
# Fake OTLP/HTTP receiver: stores raw bodies as length-prefixed frames
# --------------------------------------------------------------------------


def make_otlp_handler(frames):
    class Handler(QuietHandler):
        def do_POST(self):
            body = self.body()
            signal = self.path.rstrip("/").rsplit("/", 1)[-1]  # traces|logs|metrics
            frames.setdefault(signal, []).append(
                (self.headers.get("Content-Type"), self.headers.get("Content-Encoding"), body)
            )
            reply(self, 200, "application/x-protobuf", b"")

    return Handler


def serve(handler):
    srv = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    return srv


# --------------------------------------------------------------------------
# One mode (child process)
# --------------------------------------------------------------------------


def run_mode(mode):
    from opentelemetry import trace
    from opentelemetry._logs import set_logger_provider
    from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
    from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.metrics import set_meter_provider
    from opentelemetry.sdk._logs import LoggerProvider
    from opentelemetry.sdk._logs.export import BatchLogRecordProcessor, SimpleLogRecordProcessor
    try:
        from opentelemetry.sdk._logs.export import InMemoryLogRecordExporter
    except ImportError:  # older SDKs
        from opentelemetry.sdk._logs.export import InMemoryLogExporter as InMemoryLogRecordExporter
    from opentelemetry.sdk.metrics import MeterProvider
    from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
    from opentelemetry.sdk.trace.id_generator import IdGenerator
    from opentelemetry.trace import SpanKind, Status, StatusCode

    fake = FakeOpenAI()
    api = serve(make_openai_handler(fake))
    frames = {}
    otlp = serve(make_otlp_handler(frames))
    otlp_base = "http://127.0.0.1:%d" % otlp.server_address[1]

    rng = random.Random(MODE_SEEDS[mode])

    class SeededIds(IdGenerator):
        def generate_span_id(self):
            return rng.getrandbits(64) or 1

        def generate_trace_id(self):
            return rng.getrandbits(128) or 1

    resource = Resource.create(
        {"service.name": "weather-bot", "service.version": "0.1.0", "deployment.environment.name": "test"}
    )
    mem_spans = InMemorySpanExporter()
    tp = TracerProvider(resource=resource, id_generator=SeededIds())
    tp.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=otlp_base + "/v1/traces")))
    tp.add_span_processor(SimpleSpanProcessor(mem_spans))
    trace.set_tracer_provider(tp)

    mem_logs = InMemoryLogRecordExporter()
    lp = LoggerProvider(resource=resource)
    lp.add_log_record_processor(BatchLogRecordProcessor(OTLPLogExporter(endpoint=otlp_base + "/v1/logs")))
    lp.add_log_record_processor(SimpleLogRecordProcessor(mem_logs))
    set_logger_provider(lp)

    reader = PeriodicExportingMetricReader(
        OTLPMetricExporter(endpoint=otlp_base + "/v1/metrics"), export_interval_millis=3_600_000
    )
    mp = MeterProvider(resource=resource, metric_readers=[reader])
    set_meter_provider(mp)

    from opentelemetry.instrumentation.openai_v2 import OpenAIInstrumentor

    OpenAIInstrumentor().instrument(tracer_provider=tp, logger_provider=lp, meter_provider=mp)

    import openai

    client = openai.OpenAI(
        base_url="http://127.0.0.1:%d/v1" % api.server_address[1],
        api_key="sk-fake-not-a-real-key",
        max_retries=0,
        timeout=10,
    )
    tracer = tp.get_tracer("weather-bot-agent", "0.1.0")

    class CityNotFoundError(Exception):
        pass

    def get_weather(city):
        if city == "Atlantis":
            raise CityNotFoundError("unknown city: %s" % city)
        return {"city": city, "temperature_c": 18, "sky": "sunny"}

    def run_tool(call):
        args = json.loads(call.function.arguments)
        with tracer.start_as_current_span(
            "execute_tool get_weather",
            kind=SpanKind.INTERNAL,
            attributes={
                "gen_ai.operation.name": "execute_tool",
                "gen_ai.tool.name": "get_weather",
                "gen_ai.tool.type": "function",
                "gen_ai.tool.call.id": call.id,
                "gen_ai.provider.name": "openai",
            },
            record_exception=False,
            set_status_on_exception=False,
        ) as span:
            try:
                return json.dumps(get_weather(args["city"]))
            except CityNotFoundError as exc:
                span.record_exception(exc)
                span.set_attribute("error.type", type(exc).__name__)
                span.set_status(Status(StatusCode.ERROR, str(exc)))
                return json.dumps({"error": str(exc)})

    def agent_turn(user_text, history, steps):
        with tracer.start_as_current_span(
            "invoke_agent weather-bot",
            kind=SpanKind.INTERNAL,
            attributes={
                "gen_ai.operation.name": "invoke_agent",
                "gen_ai.agent.name": "weather-bot",
                "gen_ai.provider.name": "openai",
                "gen_ai.request.model": REQUEST_MODEL,
            },
        ):
            history.append({"role": "user", "content": user_text})
            for step in steps:
                if step == "tools":
                    r = client.chat.completions.create(
                        model=REQUEST_MODEL, messages=history, tools=[WEATHER_TOOL], temperature=0.2
                    )
                    msg = r.choices[0].message
                    history.append(
                        {
                            "role": "assistant",
                            "content": None,
                            "tool_calls": [
                                {
                                    "id": c.id,
                                    "type": "function",
                                    "function": {"name": c.function.name, "arguments": c.function.arguments},
                                }
                                for c in msg.tool_calls
                            ],
                        }
                    )
                    for call in msg.tool_calls:
                        history.append({"role": "tool", "tool_call_id": call.id, "content": run_tool(call)})
                elif step in ("stream_usage", "stream_no_usage"):
                    kwargs = {}
                    if step == "stream_usage":
                        kwargs["stream_options"] = {"include_usage": True}
                    stream = client.chat.completions.create(
                        model=REQUEST_MODEL, messages=history, stream=True, **kwargs
                    )
                    text = ""
                    for chunk in stream:
                        if chunk.choices and chunk.choices[0].delta.content:
                            text += chunk.choices[0].delta.content
                    history.append({"role": "assistant", "content": text})
                else:  # plain
                    r = client.chat.completions.create(
                        model=REQUEST_MODEL, messages=history, max_tokens=100
                    )
                    history.append({"role": "assistant", "content": r.choices[0].message.content})
        tp.force_flush()
        lp.force_flush()

    history = [{"role": "system", "content": "You are weather-bot. Use get_weather."}]
    # turn 1: tool_calls reply, tool ok, streamed answer with include_usage
    agent_turn(USER_REQUESTS[0], history, ["tools", "stream_usage"])
    # turn 2: tool_calls reply, tool fails, plain answer (cached prompt tokens)
    agent_turn(USER_REQUESTS[1], history, ["tools", "plain"])
    # turn 3: streamed answer without include_usage (no usage reported)
    agent_turn(USER_REQUESTS[2], history, ["stream_no_usage"])

    tp.force_flush()
    lp.force_flush()
    tp.shutdown()
    lp.shutdown()
    mp.shutdown()
    time.sleep(0.2)
    api.shutdown()
    otlp.shutdown()

    # ---- write frames
    for signal, items in sorted(frames.items()):
        for ctype, cenc, _ in items:
            assert ctype == "application/x-protobuf", ctype
            assert not cenc or cenc == "identity", cenc
        with open(os.path.join(HERE, "%s-%s.pb" % (signal, mode)), "wb") as f:
            for _, _, body in items:
                f.write(struct.pack(">I", len(body)))
                f.write(body)

    write_json(mode, frames)

    # ---- expected figures, from the in-memory spans
    spans = mem_spans.get_finished_spans()
    per_trace = {}
    for s in spans:
        tid = "%032x" % s.context.trace_id
        t = per_trace.setdefault(
            tid,
            {
                "root_span": None,
                "spans": 0,
                "llm_calls": 0,
                "tool_calls": 0,
                "failed_tool_calls": 0,
                "input_tokens": 0,
                "output_tokens": 0,
                "cache_read_input_tokens": 0,
            },
        )
        t["spans"] += 1
        a = s.attributes or {}
        op = a.get("gen_ai.operation.name")
        if s.parent is None:
            t["root_span"] = s.name
            t["_start"] = s.start_time
        if op in LLM_OPERATIONS:
            t["llm_calls"] += 1
            t["input_tokens"] += int(a.get("gen_ai.usage.input_tokens", 0))
            t["output_tokens"] += int(a.get("gen_ai.usage.output_tokens", 0))
            t["cache_read_input_tokens"] += int(a.get("gen_ai.usage.cache_read.input_tokens", 0))
        elif op == "execute_tool":
            t["tool_calls"] += 1
            if s.status.status_code == StatusCode.ERROR:
                t["failed_tool_calls"] += 1
    for turn, t in enumerate(sorted(per_trace.values(), key=lambda t: t["_start"]), 1):
        t["turn"] = turn
        t["user_request"] = USER_REQUESTS[turn - 1]
        del t["_start"]
    keys = ["spans", "llm_calls", "tool_calls", "failed_tool_calls", "input_tokens", "output_tokens", "cache_read_input_tokens"]
    totals = {k: sum(t[k] for t in per_trace.values()) for k in keys}
    totals["traces"] = len(per_trace)

    # Describe what the instrumentation emitted (for the README / report)
    inst_spans = [s for s in spans if s.instrumentation_scope and s.instrumentation_scope.name != "weather-bot-agent"]
    span_attr_keys = sorted({k for s in inst_spans for k in (s.attributes or {})})
    logs = mem_logs.get_finished_logs()
    event_names = sorted(
        {getattr(l.log_record, "event_name", None) or str((l.log_record.attributes or {}).get("event.name")) for l in logs}
    )
    scopes = sorted({"%s %s" % (s.instrumentation_scope.name, s.instrumentation_scope.version or "") for s in inst_spans})
    metric_names = sorted(
        {
            m.name
            for rm in (reader_last_metrics(frames))
            for m in rm
        }
    )
    cache_attr = any("gen_ai.usage.cache_read.input_tokens" in (s.attributes or {}) for s in spans)
    return {
        "venv": MODES[mode][0],
        "env": MODES[mode][1],
        "versions": versions(),
        "cache_read_input_tokens_attribute_present": cache_attr,
        "files": sorted(os.path.basename(p) for p in mode_files(mode)),
        "otlp_requests": {k: len(v) for k, v in sorted(frames.items())},
        "traces": len(per_trace),
        "totals": totals,
        "per_trace": dict(sorted(per_trace.items())),
        "instrumentation": {
            "scopes": scopes,
            "span_names": sorted({s.name for s in inst_spans}),
            "span_attribute_keys": span_attr_keys,
            "log_records": len(logs),
            "log_event_names": event_names,
            "metric_names": metric_names,
        },
    }


def mode_files(mode):
    names = ["%s-%s.%s" % (sig, mode, ext) for sig in ("traces", "logs", "metrics") for ext in ("pb", "json")]
    if mode == "no-content":
        names.append("traces-base64-ids.json")
    return [os.path.join(HERE, n) for n in names if os.path.exists(os.path.join(HERE, n))]


def reader_last_metrics(frames):
    from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import ExportMetricsServiceRequest

    out = []
    for _, _, body in frames.get("metrics", []):
        req = ExportMetricsServiceRequest()
        req.ParseFromString(body)
        for rm in req.resource_metrics:
            for sm in rm.scope_metrics:
                out.append(list(sm.metrics))
    return out


def b64_to_hex(v):
    return base64.b64decode(v).hex()


def fix_ids(obj):
    """Recursively turn base64 traceId/spanId/parentSpanId into lowercase hex."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k in ("traceId", "spanId", "parentSpanId") and isinstance(v, str):
                obj[k] = b64_to_hex(v)
            else:
                fix_ids(v)
    elif isinstance(obj, list):
        for v in obj:
            fix_ids(v)
    return obj


def write_json(mode, frames):
    from google.protobuf import json_format
    from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceRequest
    from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import ExportMetricsServiceRequest
    from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

    kinds = {
        "traces": ExportTraceServiceRequest,
        "logs": ExportLogsServiceRequest,
        "metrics": ExportMetricsServiceRequest,
    }
    for signal, cls in kinds.items():
        items = frames.get(signal, [])
        if not items:
            continue
        lines = []
        merged = cls()
        for _, _, body in items:
            req = cls()
            req.ParseFromString(body)
            merged.MergeFrom(req)
            lines.append(json.dumps(fix_ids(json_format.MessageToDict(req)), separators=(",", ":")))
        with open(os.path.join(HERE, "%s-%s.json" % (signal, mode)), "w") as f:
            f.write("\n".join(lines) + "\n")
        if signal == "traces" and mode == "no-content":
            # exactly as protobuf's json_format writes it: base64 ids, one
            # document (all export requests of the run merged into one)
            with open(os.path.join(HERE, "traces-base64-ids.json"), "w") as f:
                f.write(json_format.MessageToJson(merged))


# --------------------------------------------------------------------------
# Parent: run every mode in a clean child process, write expected.json
# --------------------------------------------------------------------------


def versions():
    from importlib.metadata import version

    names = [
        "openai",
        "opentelemetry-instrumentation-openai-v2",
        "opentelemetry-util-genai",
        "opentelemetry-instrumentation",
        "opentelemetry-semantic-conventions",
        "opentelemetry-api",
        "opentelemetry-sdk",
        "opentelemetry-exporter-otlp-proto-http",
        "opentelemetry-exporter-otlp-proto-common",
        "opentelemetry-proto",
        "protobuf",
    ]
    out = {}
    for n in names:
        try:
            out[n] = version(n)
        except Exception:
            out[n] = None
    return out


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--mode":
        print(json.dumps(run_mode(sys.argv[2])))
        return
    for f in os.listdir(HERE):
        if f.endswith(".pb") or (f.endswith(".json") and f != "expected.json"):
            os.remove(os.path.join(HERE, f))
    result = {
        "description": "Figures computed by generate.py from the SDK's finished spans (InMemorySpanExporter), independently of the OTLP files.",
        "llm_operations": sorted(LLM_OPERATIONS),
        "modes": {},
    }
    for mode, (venv, extra) in MODES.items():
        env = {
            k: v
            for k, v in os.environ.items()
            if not (k.startswith("OTEL_") or k.lower() in ("http_proxy", "https_proxy", "all_proxy"))
        }
        env.update(extra)
        env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
        out = subprocess.run(
            [PYTHONS[venv], os.path.abspath(__file__), "--mode", mode],
            env=env,
            check=True,
            stdout=subprocess.PIPE,
        ).stdout
        result["modes"][mode] = json.loads(out)
    with open(os.path.join(HERE, "expected.json"), "w") as f:
        json.dump(result, f, indent=2, sort_keys=False)
        f.write("\n")
    print(json.dumps({m: r["totals"] for m, r in result["modes"].items()}, indent=2))


if __name__ == "__main__":
    main()
