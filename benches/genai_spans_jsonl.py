#!/usr/bin/env python3
"""Writes an OTLP/JSON Lines file of GenAI agent traces, for `benches/validate_file.sh`.

Usage: benches/genai_spans_jsonl.py OUT [SPANS] [SPANS_PER_LINE]
Defaults: 32768 spans, 512 per line (about 30 MB). SPANS_PER_LINE 0 writes one OTLP/JSON
document instead: one resource and one scope holding every span. Each trace is a healthy agent run:
invoke_agent -> (chat, execute_tool, chat), every span with its required attributes and most
recommended ones, as a conformant instrumentation writes them. Deterministic output.
"""
import json
import sys


def attr(k, v):
    if isinstance(v, bool):
        return {"key": k, "value": {"boolValue": v}}
    if isinstance(v, int):
        return {"key": k, "value": {"intValue": str(v)}}
    if isinstance(v, float):
        return {"key": k, "value": {"doubleValue": v}}
    if isinstance(v, list):
        return {"key": k, "value": {"arrayValue": {"values": [{"stringValue": x} for x in v]}}}
    return {"key": k, "value": {"stringValue": v}}


def span(trace, sid, parent, name, kind, attrs, t):
    s = {
        "traceId": f"{trace:032x}",
        "spanId": f"{sid:016x}",
        "name": name,
        "kind": kind,
        "startTimeUnixNano": str(1_700_000_000_000_000_000 + t * 1000),
        "endTimeUnixNano": str(1_700_000_000_000_000_000 + t * 1000 + 500),
        "attributes": [attr(k, v) for k, v in attrs],
        "status": {},
    }
    if parent is not None:
        s["parentSpanId"] = f"{parent:016x}"
    return s


def chat(i):
    return [
        ("gen_ai.operation.name", "chat"),
        ("gen_ai.provider.name", "openai"),
        ("gen_ai.request.model", "gpt-4o"),
        ("gen_ai.response.model", "gpt-4o-2024-08-06"),
        ("gen_ai.response.id", f"chatcmpl-{i}"),
        ("gen_ai.response.finish_reasons", ["stop"]),
        ("gen_ai.request.max_tokens", 512),
        ("gen_ai.request.temperature", 0.2),
        ("gen_ai.request.top_p", 0.9),
        ("gen_ai.usage.input_tokens", 900 + i % 100),
        ("gen_ai.usage.output_tokens", 40 + i % 17),
        ("gen_ai.conversation.id", f"conv-{i // 4}"),
        ("server.address", "api.openai.com"),
        ("server.port", 443),
        ("openai.api.type", "chat_completions"),
    ]


def tool(i):
    return [
        ("gen_ai.operation.name", "execute_tool"),
        ("gen_ai.tool.name", "get_weather"),
        ("gen_ai.tool.type", "function"),
        ("gen_ai.tool.call.id", f"call_{i}"),
        ("gen_ai.tool.description", "Weather by city"),
        ("gen_ai.agent.name", "planner"),
    ]


def agent(i):
    return [
        ("gen_ai.operation.name", "invoke_agent"),
        ("gen_ai.provider.name", "openai"),
        ("gen_ai.agent.name", "planner"),
        ("gen_ai.agent.id", "agent-1"),
        ("gen_ai.request.model", "gpt-4o"),
        ("gen_ai.conversation.id", f"conv-{i}"),
    ]


def main():
    out = sys.argv[1]
    total = int(sys.argv[2]) if len(sys.argv) > 2 else 32768
    per_line = int(sys.argv[3]) if len(sys.argv) > 3 else 512
    spans = []
    n = 0
    while len(spans) < total:
        trace = n + 1
        root = 4 * n + 1
        spans.append(span(trace, root, None, "invoke_agent planner", 1, agent(n), n))
        spans.append(span(trace, root + 1, root, "chat gpt-4o", 3, chat(2 * n), n))
        spans.append(span(trace, root + 2, root, "execute_tool get_weather", 1, tool(n), n))
        spans.append(span(trace, root + 3, root, "chat gpt-4o", 3, chat(2 * n + 1), n))
        n += 1
    spans = spans[:total]
    if per_line == 0:
        per_line = total
    with open(out, "w") as f:
        for start in range(0, total, per_line):
            request = {
                "resourceSpans": [{
                    "resource": {"attributes": [attr("service.name", "agent")]},
                    "scopeSpans": [{"scope": {"name": "genai-semconv"}, "spans": spans[start:start + per_line]}],
                }]
            }
            f.write(json.dumps(request, separators=(",", ":")))
            f.write("\n")


if __name__ == "__main__":
    main()
