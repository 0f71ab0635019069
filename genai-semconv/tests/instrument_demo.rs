//! The demo agent (feature `demo`) emits the expected span tree.
#![cfg(feature = "demo")]

use genai_semconv::instrument::demo::run_demo_agent;
use opentelemetry_sdk::metrics::{InMemoryMetricExporter, PeriodicReader, SdkMeterProvider};
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_span_tree() {
    let spans = InMemorySpanExporter::default();
    let tp = SdkTracerProvider::builder()
        .with_simple_exporter(spans.clone())
        .build();
    let metrics = InMemoryMetricExporter::default();
    let mp = SdkMeterProvider::builder()
        .with_reader(PeriodicReader::builder(metrics.clone()).build())
        .build();
    let (tp2, mp2) = (tp.clone(), mp.clone());
    let answer = tokio::spawn(async move { run_demo_agent(&tp2, &mp2).await })
        .await
        .unwrap()
        .unwrap();
    assert!(answer.contains("42"), "{answer}");
    let finished = spans.get_finished_spans().unwrap();
    let mut names: Vec<_> = finished.iter().map(|s| s.name.to_string()).collect();
    names.sort();
    assert_eq!(
        names,
        [
            "chat gpt-4o-mini",
            "chat gpt-4o-mini",
            "chat gpt-4o-mini",
            "chat gpt-4o-mini",
            "execute_tool calculator",
            "execute_tool get_weather",
            "invoke_agent demo-agent",
            "invoke_workflow demo-workflow",
            "plan demo-agent",
            "search_memory"
        ]
    );
    let agent = finished
        .iter()
        .find(|s| s.name == "invoke_agent demo-agent")
        .unwrap();
    let wf = finished
        .iter()
        .find(|s| s.name == "invoke_workflow demo-workflow")
        .unwrap();
    assert_eq!(agent.parent_span_id, wf.span_context.span_id());
    let plan = finished
        .iter()
        .find(|s| s.name == "plan demo-agent")
        .unwrap();
    for s in &finished {
        if s.name != "invoke_workflow demo-workflow" && s.name != "invoke_agent demo-agent" {
            // The planning model call is a child of the plan span.
            let under_plan = s.parent_span_id == plan.span_context.span_id();
            assert!(
                s.parent_span_id == agent.span_context.span_id() || under_plan,
                "{}",
                s.name
            );
        }
        assert_eq!(s.instrumentation_scope.name(), "genai-semconv");
    }
    mp.force_flush().unwrap();
    assert!(!metrics.get_finished_metrics().unwrap().is_empty());
}
