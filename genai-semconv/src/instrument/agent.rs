//! The agent invocation a call runs in: counts the model and tool calls made inside it (for
//! `gen_ai.invoke_agent.inference_calls` and `.tool_calls`), sums their token usage (for the
//! `gen_ai.usage.*` totals on the agent span), and names the agent on the tool and inference
//! spans started inside it (`gen_ai.agent.name`, `gen_ai.agent.id`).
//!
//! The scope travels in the OpenTelemetry [`Context`]: it is found by every call started while
//! the agent's context is current, across `.await` points and threads (the instrumented future
//! attaches the context on every poll). A nested agent starts its own scope; calls inside it
//! count for the innermost agent only.

use std::borrow::Cow;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use opentelemetry::{Context, KeyValue};

use super::inference::Usage;
use crate::attribute as a;

/// One agent invocation.
#[derive(Debug)]
pub struct AgentScope {
    name: Option<Cow<'static, str>>,
    id: Option<Cow<'static, str>>,
    inference_calls: AtomicU64,
    tool_calls: AtomicU64,
    usage: Mutex<Usage>,
}

/// The context value holding the scope.
#[derive(Debug, Clone)]
struct Current(Arc<AgentScope>);

impl AgentScope {
    /// A scope for the agent `name` (and `id`).
    pub fn new(name: Option<Cow<'static, str>>, id: Option<Cow<'static, str>>) -> Arc<AgentScope> {
        Arc::new(AgentScope {
            name,
            id,
            inference_calls: AtomicU64::new(0),
            tool_calls: AtomicU64::new(0),
            usage: Mutex::new(Usage::default()),
        })
    }

    /// The scope of the agent invocation `cx` runs in.
    pub fn of(cx: &Context) -> Option<Arc<AgentScope>> {
        Self::in_context(cx).cloned()
    }

    /// [`AgentScope::of`] by reference (no count of the scope's references touched).
    pub(crate) fn in_context(cx: &Context) -> Option<&Arc<AgentScope>> {
        cx.get::<Current>().map(|c| &c.0)
    }

    /// `cx` with this scope as the current agent invocation.
    pub fn enter(self: &Arc<Self>, cx: &Context) -> Context {
        cx.with_value(Current(self.clone()))
    }

    /// The agent's name.
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// `gen_ai.agent.name` and `gen_ai.agent.id` of the agent, for spans started inside it.
    pub fn attributes(&self) -> impl Iterator<Item = KeyValue> + '_ {
        let name = self
            .name
            .clone()
            .map(|n| KeyValue::new(a::GEN_AI_AGENT_NAME.key(), n));
        let id = self
            .id
            .clone()
            .map(|n| KeyValue::new(a::GEN_AI_AGENT_ID.key(), n));
        name.into_iter().chain(id)
    }

    /// Counts a model call.
    pub fn count_inference(&self) {
        self.inference_calls.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts a tool call.
    pub fn count_tool(&self) {
        self.tool_calls.fetch_add(1, Ordering::Relaxed);
    }

    /// Adds the token usage of a model call.
    pub fn add_usage(&self, u: &Usage) {
        let mut t = self.usage.lock().unwrap_or_else(|p| p.into_inner());
        t.add(u);
    }

    /// Model calls counted so far.
    pub fn inference_calls(&self) -> u64 {
        self.inference_calls.load(Ordering::Relaxed)
    }

    /// Tool calls counted so far.
    pub fn tool_calls(&self) -> u64 {
        self.tool_calls.load(Ordering::Relaxed)
    }

    /// Token usage summed so far.
    pub fn usage(&self) -> Usage {
        *self.usage.lock().unwrap_or_else(|p| p.into_inner())
    }
}
