//! Spans for the operations without a macro of their own: retrieval, agent creation, memory
//! operations, planning as a span API, and evaluation results. Each function returns the
//! generated builder of the operation's span (or event) with `gen_ai.operation.name` set, so
//! every attribute the definition lists is a typed setter.
//!
//! ```
//! use genai_semconv::instrument::operations;
//!
//! let search = operations::search_memory()
//!     .memory_store_id("store-1".to_string())
//!     .start();
//! let hits: Result<Vec<String>, std::io::Error> = Ok(vec!["likes tea".into()]);
//! search.set(genai_semconv::attribute::GEN_AI_MEMORY_RECORD_COUNT.value(1));
//! search.finish(&hits);
//! ```
//!
//! A [`SpanGuard`] ends with [`SpanGuard::finish`] (errors recorded as by the macros),
//! [`SpanGuard::run`] / [`SpanGuard::run_async`] (run a call inside the span and finish with
//! its result), or on drop. Evaluation results go to the span of the evaluated operation:
//! [`evaluation_result`] then `.emit_in(span_context, telemetry)` (a log record in that span's
//! context, see [`super::events`]).

use std::error::Error;
use std::future::Future;

use opentelemetry::context::FutureExt as _;

use super::signal::SpanGuard;
use crate::OperationName;
use crate::builder;

/// A `retrieval` span (CLIENT, `retrieval {gen_ai.data_source.id}`).
pub fn retrieval() -> builder::GenAiRetrievalClient {
    builder::GenAiRetrievalClient::new()
}

/// A `create_agent` span (CLIENT, `create_agent {gen_ai.agent.name}`) for `provider`.
pub fn create_agent(provider: crate::ProviderName) -> builder::GenAiCreateAgentClient {
    builder::GenAiCreateAgentClient::new(provider)
}

/// A `plan` span (INTERNAL, `plan {gen_ai.agent.name}`); inside an agent invocation it is
/// named after the agent.
pub fn plan() -> builder::GenAiPlanInternal {
    builder::GenAiPlanInternal::new()
}

/// A memory span with operation `op` (CLIENT, `{gen_ai.operation.name}`).
pub fn memory(op: OperationName) -> builder::GenAiMemoryClient {
    builder::GenAiMemoryClient::new(op)
}

/// `search_memory`.
pub fn search_memory() -> builder::GenAiMemoryClient {
    memory(OperationName::SearchMemory)
}

/// `create_memory`.
pub fn create_memory() -> builder::GenAiMemoryClient {
    memory(OperationName::CreateMemory)
}

/// `update_memory`.
pub fn update_memory() -> builder::GenAiMemoryClient {
    memory(OperationName::UpdateMemory)
}

/// `upsert_memory`.
pub fn upsert_memory() -> builder::GenAiMemoryClient {
    memory(OperationName::UpsertMemory)
}

/// `delete_memory`.
pub fn delete_memory() -> builder::GenAiMemoryClient {
    memory(OperationName::DeleteMemory)
}

/// `create_memory_store`.
pub fn create_memory_store() -> builder::GenAiMemoryClient {
    memory(OperationName::CreateMemoryStore)
}

/// `delete_memory_store`.
pub fn delete_memory_store() -> builder::GenAiMemoryClient {
    memory(OperationName::DeleteMemoryStore)
}

/// A `gen_ai.evaluation.result` event for the evaluation `name`.
pub fn evaluation_result(name: impl Into<String>) -> builder::GenAiEvaluationResultEvent {
    builder::GenAiEvaluationResultEvent::new(name.into())
}

impl SpanGuard {
    /// Runs `f` with the span current and ends the span with its result.
    pub fn run<T, E: Error + 'static>(self, f: impl FnOnce() -> Result<T, E>) -> Result<T, E> {
        let r = self.in_scope(f);
        self.finish(&r);
        r
    }

    /// Runs `fut` with the span current on every poll and ends the span with its result.
    /// The returned future is `Send` when `fut` is.
    pub fn run_async<T, E, F>(self, fut: F) -> impl Future<Output = Result<T, E>>
    where
        E: Error + 'static,
        F: Future<Output = Result<T, E>>,
    {
        let cx = self.context().clone();
        async move {
            let r = fut.with_context(cx).await;
            self.finish(&r);
            r
        }
    }
}
