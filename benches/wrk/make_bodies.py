#!/usr/bin/env python3
"""Writes N distinct OTLP/HTTP protobuf bodies (ExportTraceServiceRequest) of S GenAI spans each
for the wrk load test (otlp.lua). Standard library only: the protobuf is encoded by hand.

Usage: make_bodies.py [DIR] [N=128] [S=512]
Shapes cycle through chat (8 attributes), execute_tool (4) and invoke_agent (3), as in
receiver/tests/load.rs; every body has its own trace and span ids.
"""
import os
import struct
import sys


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def field(num, wire, payload):
    key = varint((num << 3) | wire)
    if wire == 2:
        return key + varint(len(payload)) + payload
    return key + payload


def s(num, text):
    return field(num, 2, text.encode())


def kv(key, value):
    if isinstance(value, int):
        any_value = field(3, 0, varint(value))
    else:
        any_value = s(1, value)
    return s(1, key) + field(2, 2, any_value)


SHAPES = [
    ("chat gpt-4o", 3, [
        ("gen_ai.operation.name", "chat"), ("gen_ai.provider.name", "openai"),
        ("gen_ai.request.model", "gpt-4o"), ("gen_ai.response.model", "gpt-4o-2024-08-06"),
        ("gen_ai.response.id", "chatcmpl-123"), ("gen_ai.usage.input_tokens", 97),
        ("gen_ai.usage.output_tokens", 52), ("server.address", "api.openai.com")]),
    ("execute_tool get_weather", 1, [
        ("gen_ai.operation.name", "execute_tool"), ("gen_ai.tool.name", "get_weather"),
        ("gen_ai.tool.call.id", "call_1"), ("gen_ai.tool.type", "function")]),
    ("invoke_agent travel_planner", 1, [
        ("gen_ai.operation.name", "invoke_agent"), ("gen_ai.provider.name", "openai"),
        ("gen_ai.agent.name", "travel_planner")]),
]


def body(seed, spans):
    out = bytearray()
    for i in range(spans):
        name, kind, attrs = SHAPES[i % 3]
        trace_id = struct.pack(">QQ", seed + 1, i // 3 + 1)
        span_id = struct.pack(">Q", ((seed + 1) << 32) | (i + 1))
        span = (field(1, 2, trace_id) + field(2, 2, span_id) + s(5, name)
                + field(6, 0, varint(kind))
                + field(7, 1, struct.pack("<Q", 1_700_000_000_000_000_000))
                + field(8, 1, struct.pack("<Q", 1_700_000_000_500_000_000)))
        for k, v in attrs:
            span += field(9, 2, kv(k, v))
        out += field(2, 2, span)
    scope = field(1, 2, s(1, "wrk"))
    resource = field(1, 2, field(1, 2, kv("service.name", "wrk-load")))
    resource_spans = resource + field(2, 2, scope + bytes(out))
    return field(1, 2, resource_spans)


def main():
    target = sys.argv[1] if len(sys.argv) > 1 else "bodies"
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 128
    spans = int(sys.argv[3]) if len(sys.argv) > 3 else 512
    os.makedirs(target, exist_ok=True)
    for seed in range(n):
        with open(os.path.join(target, f"body-{seed:03}.pb"), "wb") as f:
            f.write(body(seed, spans))
    print(f"{n} bodies of {spans} spans in {target}/")


if __name__ == "__main__":
    main()
