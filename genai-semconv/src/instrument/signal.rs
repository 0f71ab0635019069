//! The runtime of the generated signal builders (`genai_semconv::builder`, and the `builder`
//! module that `genai_codegen::Builder` generates for other registries): starting a span from
//! its definition, ending it with an outcome, emitting an event.
//!
//! A generated span builder collects attributes (sampling-relevant ones go to the sampler in the
//! span builder) and starts a [`SpanGuard`]; its name is built from the definition's name
//! template (placeholders without a value are left out). Inside an agent invocation
//! ([`super::agent`]) a tool or model call counts for the agent, and a span whose definition
//! lists `gen_ai.agent.name` gets the agent's name and id unless set explicitly. The
//! instrumentation macros build their spans with these builders too.

use std::borrow::Cow;
use std::error::Error;
use std::fmt;

use opentelemetry::KeyValue;
use opentelemetry::logs::Severity;
use opentelemetry::trace::{Link, Span as _, SpanBuilder, SpanKind, TraceContextExt, Tracer};

use super::agent::AgentScope;
use super::telemetry::Telemetry;
use crate::attribute as a;
use crate::descriptor::{EventDescriptor, MetricDescriptor, SpanDescriptor};
use crate::key::{AttributeKey, IntoAttributeValue};

pub use super::metrics::{f64_histogram, u64_histogram};
pub use opentelemetry::Context;
pub use opentelemetry::metrics::{Counter, Gauge, Histogram, Meter, UpDownCounter};

/// A part of a span-name template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NamePart {
    /// Literal text.
    Literal(&'static str),
    /// The value of an attribute.
    Attribute(&'static str),
}

/// A span being built from its definition.
///
/// Small (the generated builders move it through every setter): what most spans never set
/// (a parent, links) is boxed.
pub struct SpanStart {
    descriptor: &'static SpanDescriptor,
    name: Name,
    /// Every attribute, the sampling-relevant ones first (`attrs[..sampling]`): all of them go
    /// to the span builder in one vector, as a hand-written span would give them.
    attrs: Vec<KeyValue>,
    /// The generated setters called so far, by slot (see [`SpanStart::set_known`]).
    known: u64,
    /// How many of `attrs` are sampling-relevant.
    sampling: u32,
    /// Whether [`SpanStart::set`] added a key, which a later [`SpanStart::set_known`] must
    /// then look for.
    untracked: bool,
    kind: SpanKind,
    telemetry: Option<Telemetry>,
    /// The parent and links, when given.
    rare: Option<Box<Rare>>,
}

/// How a span is named.
#[derive(Debug, Clone, Copy)]
enum Name {
    /// From the definition's name template and the attributes.
    Template(&'static [NamePart]),
    /// What the template gives, known before the values are (the macros).
    Known(&'static str),
    /// A template of one literal and one attribute whose value lives for the whole program:
    /// the literal and the value, joined once ([`super::names`]).
    Joined(&'static [NamePart], &'static str),
}

/// What few spans set.
#[derive(Default)]
struct Rare {
    parent: Option<Context>,
    links: Vec<Link>,
}

impl fmt::Debug for SpanStart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SpanStart")
            .field("id", &self.descriptor.id)
            .field("kind", &self.kind)
            .field("sampling", &&self.attrs[..self.sampling as usize])
            .field("attrs", &&self.attrs[self.sampling as usize..])
            .finish_non_exhaustive()
    }
}

impl SpanStart {
    /// A span of `descriptor` named after `name`.
    #[inline]
    pub fn new(descriptor: &'static SpanDescriptor, name: &'static [NamePart]) -> SpanStart {
        SpanStart {
            descriptor,
            name: Name::Template(name),
            attrs: Vec::with_capacity(8),
            known: 0,
            sampling: 0,
            untracked: false,
            kind: descriptor.kind.map_or(SpanKind::Internal, SpanKind::from),
            telemetry: None,
            rare: None,
        }
    }

    /// Sets an attribute (replacing an earlier value of its key). Every attribute set before
    /// start is given to the sampler, the sampling-relevant ones first.
    #[inline]
    pub fn set(&mut self, kv: KeyValue, sampling_relevant: bool) {
        if let Name::Joined(parts, _) = self.name {
            // The value the name was joined from may be the one replaced.
            self.name = Name::Template(parts);
        }
        if let Some(o) = self.attrs.iter_mut().find(|o| o.key == kv.key) {
            *o = kv;
        } else {
            self.untracked = true;
            self.add(kv, sampling_relevant);
        }
    }

    /// [`SpanStart::set`] with the sampling relevance the definition gives the key (not
    /// sampling-relevant when it does not list it).
    pub(crate) fn set_listed(&mut self, kv: KeyValue) {
        let sampling = self.sampling_relevant(kv.key.as_str());
        self.set(kv, sampling);
    }

    fn sampling_relevant(&self, key: &str) -> bool {
        self.descriptor
            .attributes
            .iter()
            .any(|r| r.key == key && r.sampling_relevant)
    }

    /// [`SpanStart::set`] by a generated setter (the slot of a name template's attribute goes
    /// through [`SpanStart::set_name_value`], which keeps the span's name right): `slot` numbers the builder's own keys (each
    /// key one slot), so a key set for the first time is added without searching the others.
    #[inline(always)]
    pub fn set_known(&mut self, slot: u32, kv: KeyValue, sampling_relevant: bool) {
        let bit = 1u64.checked_shl(slot).unwrap_or(0);
        if (bit == 0 || self.untracked || self.known & bit != 0)
            && let Some(o) = self.attrs.iter_mut().find(|o| o.key == kv.key)
        {
            *o = kv;
            return;
        }
        self.known |= bit;
        self.add(kv, sampling_relevant);
    }

    #[inline(always)]
    fn add(&mut self, kv: KeyValue, sampling_relevant: bool) {
        if sampling_relevant {
            self.attrs.insert(self.sampling as usize, kv);
            self.sampling += 1;
        } else {
            self.attrs.push(kv);
        }
    }

    /// The parent context (default: the current context).
    pub fn parent(&mut self, cx: &Context) {
        self.rare.get_or_insert_default().parent = Some(cx.clone());
    }

    /// Adds a link.
    pub fn link(&mut self, link: Link) {
        self.rare.get_or_insert_default().links.push(link);
    }

    /// The span kind, where the definition allows another one (e.g. INTERNAL for an
    /// in-process memory store).
    pub fn kind(&mut self, kind: SpanKind) {
        self.kind = kind;
    }

    /// The telemetry handle (default: [`Telemetry::current`] at start).
    #[inline]
    pub fn telemetry(&mut self, telemetry: &Telemetry) {
        self.telemetry = Some(telemetry.clone());
    }

    fn find(&self, key: &str) -> Option<&KeyValue> {
        self.attrs.iter().find(|kv| kv.key.as_str() == key)
    }

    fn listed(&self, key: &str) -> bool {
        self.descriptor.attributes.iter().any(|r| r.key == key)
    }

    /// The name from the template: literal parts and attribute values, with the whitespace a
    /// missing attribute leaves collapsed (`invoke_agent` without an agent name).
    fn span_name(&self) -> Cow<'static, str> {
        let parts = match self.name {
            Name::Known(n) => return Cow::Borrowed(n),
            Name::Template([NamePart::Literal(l)]) => return Cow::Borrowed(l),
            Name::Template(parts) => parts,
            Name::Joined(parts, value) => {
                let prefix = match parts {
                    [NamePart::Literal(l), ..] => l,
                    _ => "",
                };
                let render = || tidy(format!("{prefix}{value}"));
                return match super::names::joined(prefix, value, render) {
                    Some(n) => Cow::Borrowed(n),
                    None => Cow::Owned(render()),
                };
            }
        };
        let mut out = String::with_capacity(48);
        for part in parts {
            match part {
                NamePart::Literal(l) => out.push_str(l),
                NamePart::Attribute(k) => {
                    if let Some(kv) = self.find(k) {
                        out.push_str(&kv.value.as_str());
                    }
                }
            }
        }
        Cow::Owned(tidy(out))
    }

    /// [`SpanStart::set_known`] for the attribute of a name template of one literal and one
    /// attribute (`execute_tool {gen_ai.tool.name}`): a value that lives for the whole program
    /// lets the name be joined once for every span.
    #[doc(hidden)]
    #[inline(always)]
    pub fn set_name_value<T, V: IntoAttributeValue<T>>(
        &mut self,
        slot: u32,
        key: AttributeKey<T>,
        value: V,
        sampling_relevant: bool,
    ) {
        let text = value.static_text();
        self.set_known(slot, key.value(value), sampling_relevant);
        self.name = match (self.name, text) {
            (Name::Template(parts @ [NamePart::Literal(_), NamePart::Attribute(_)]), Some(v))
            | (Name::Joined(parts, _), Some(v)) => Name::Joined(parts, v),
            (Name::Joined(parts, _), None) => Name::Template(parts),
            (name, _) => name,
        };
    }

    /// Names the span `name`, which must be what the name template gives for the attributes
    /// set (the macros know it when the code is built, and save rendering it).
    #[doc(hidden)]
    #[inline]
    pub fn name_known(&mut self, name: &'static str) {
        self.name = Name::Known(name);
    }

    /// The value of `key`, when set.
    pub(crate) fn value_of(&self, key: &str) -> Option<&opentelemetry::Value> {
        self.find(key).map(|kv| &kv.value)
    }

    /// The span kind.
    pub(crate) fn span_kind(&self) -> &SpanKind {
        &self.kind
    }

    /// The attributes set so far.
    pub(crate) fn attributes(&self) -> &[KeyValue] {
        &self.attrs
    }

    /// The span runs inside the agent invocation `agent`: a tool call or an inference (`chat`,
    /// `text_completion`, `generate_content`) is counted for it, and a model call or a span run
    /// on behalf of the agent (its definition lists `gen_ai.agent.name`) takes the agent's name
    /// and id unless set. An agent's own spans (`invoke_agent`, `create_agent`) are neither.
    pub(crate) fn join(&mut self, agent: &AgentScope) {
        let op = self
            .value_of(a::GEN_AI_OPERATION_NAME.key())
            .map(|v| v.as_str());
        let model_call = match op.as_deref() {
            Some("invoke_agent" | "create_agent") => return,
            Some("execute_tool") => {
                agent.count_tool();
                false
            }
            Some("chat" | "text_completion" | "generate_content") => {
                agent.count_inference();
                true
            }
            Some("embeddings") => true,
            _ => false,
        };
        if model_call || self.listed(a::GEN_AI_AGENT_NAME.key()) {
            self.take_agent(agent);
        }
    }

    /// [`SpanStart::join`] for a model call whatever its operation is called
    /// ([`super::inference::InferenceSpan`] takes any operation name): an inference unless it
    /// is an embeddings call.
    pub(crate) fn join_as_model_call(&mut self, agent: &AgentScope, inference: bool) {
        if inference {
            agent.count_inference();
        }
        self.take_agent(agent);
    }

    /// The agent's name and id, unless the span names an agent itself (then neither: a name
    /// and an id from two agents would say nothing true).
    fn take_agent(&mut self, agent: &AgentScope) {
        if self.find(a::GEN_AI_AGENT_NAME.key()).is_some() {
            return;
        }
        for kv in agent.attributes() {
            if self.find(kv.key.as_str()).is_none() {
                self.set_listed(kv);
            }
        }
    }

    /// The OpenTelemetry span builder: name, kind, attributes (for the sampler), links.
    pub(crate) fn into_builder(self) -> SpanBuilder {
        let name = self.span_name();
        let mut builder = SpanBuilder::from_name(name);
        builder.span_kind = Some(self.kind);
        builder.attributes = Some(self.attrs);
        if let Some(rare) = self.rare
            && !rare.links.is_empty()
        {
            builder.links = Some(rare.links);
        }
        builder
    }

    /// Starts the span.
    pub fn start(mut self) -> SpanGuard {
        let telemetry = self.telemetry.take().unwrap_or_else(Telemetry::current);
        let parent = self
            .rare
            .as_mut()
            .and_then(|r| r.parent.take())
            .unwrap_or_else(Context::current);
        if let Some(agent) = AgentScope::in_context(&parent) {
            self.join(agent);
        }
        let builder = self.into_builder();
        let tracer = telemetry.tracer();
        let span = tracer.get().build_with_context(builder, &parent);
        let recording = span.is_recording();
        SpanGuard {
            cx: parent.with_span(span),
            recording,
            telemetry,
            ended: false,
        }
    }
}

/// A rendered name with the whitespace a missing value leaves collapsed.
fn tidy(out: String) -> String {
    if out.starts_with(char::is_whitespace)
        || out.ends_with(char::is_whitespace)
        || out.contains("  ")
    {
        out.split_whitespace().collect::<Vec<_>>().join(" ")
    } else {
        out
    }
}

/// A started span: current while [`SpanGuard::in_scope`] runs or while attached; ended by
/// [`SpanGuard::end`], [`SpanGuard::finish`] or on drop. `Send`.
#[must_use = "the span ends when the guard is dropped"]
pub struct SpanGuard {
    cx: Context,
    recording: bool,
    telemetry: Telemetry,
    ended: bool,
}

impl fmt::Debug for SpanGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SpanGuard")
            .field("span_context", self.cx.span().span_context())
            .field("recording", &self.recording)
            .finish_non_exhaustive()
    }
}

impl SpanGuard {
    /// The context holding the span (the parent of spans started inside it).
    pub fn context(&self) -> &Context {
        &self.cx
    }

    /// Whether the span records.
    pub fn is_recording(&self) -> bool {
        self.recording
    }

    /// The telemetry handle the span was started with.
    pub fn telemetry(&self) -> &Telemetry {
        &self.telemetry
    }

    /// Sets an attribute (e.g. a response attribute known only at the end).
    pub fn set(&self, kv: KeyValue) {
        if self.recording {
            self.cx.span().set_attribute(kv);
        }
    }

    /// Sets opt-in content (JSON text), when the capture mode puts content on spans; the
    /// content is redacted. `f` runs only then.
    pub fn set_content(&self, key: &'static str, f: impl FnOnce() -> Option<String>) {
        if self.recording
            && self.telemetry.capture_mode().on_span()
            && let Some(text) = f()
        {
            self.cx
                .span()
                .set_attribute(KeyValue::new(key, self.telemetry.redact(text)));
        }
    }

    /// Makes the span current until the returned guard drops (do not hold it across
    /// `.await`; use [`opentelemetry::context::FutureExt::with_context`] with
    /// [`SpanGuard::context`] for futures).
    pub fn attach(&self) -> opentelemetry::ContextGuard {
        self.cx.clone().attach()
    }

    /// Runs `f` with the span current.
    pub fn in_scope<R>(&self, f: impl FnOnce() -> R) -> R {
        let _g = self.attach();
        f()
    }

    /// Records `error` (status, `error.type`, `exception` event) without ending the span.
    pub fn record_error(&self, error: &(dyn Error + 'static), error_type: Option<&str>) {
        super::record_error(&self.cx, error, error_type);
    }

    /// Ends the span with the outcome of `result`: an `Err` is recorded as by the macros
    /// (`error.type` is the error's type name).
    pub fn finish<T, E: Error + 'static>(mut self, result: &Result<T, E>) {
        if let Err(e) = result {
            super::record_error(&self.cx, e, Some(std::any::type_name::<E>()));
        }
        self.end_now();
    }

    /// Ends the span.
    pub fn end(mut self) {
        self.end_now();
    }

    fn end_now(&mut self) {
        if !self.ended {
            self.ended = true;
            if self.recording {
                self.cx.span().end();
            }
        }
    }
}

impl Drop for SpanGuard {
    fn drop(&mut self) {
        self.end_now();
    }
}

/// An event being built from its definition.
#[derive(Debug)]
pub struct EventStart {
    descriptor: &'static EventDescriptor,
    attrs: Vec<KeyValue>,
}

impl EventStart {
    /// An event of `descriptor`.
    pub fn new(descriptor: &'static EventDescriptor) -> EventStart {
        EventStart {
            descriptor,
            attrs: Vec::new(),
        }
    }

    /// Sets an attribute.
    pub fn set(&mut self, kv: KeyValue) {
        match self.attrs.iter_mut().find(|o| o.key == kv.key) {
            Some(o) => *o = kv,
            None => self.attrs.push(kv),
        }
    }

    /// Emits the event in the context of the span of `cx` (a log record through the handle's
    /// logger provider, else a span event; see [`super::events`]).
    pub fn emit_in(self, cx: &Context, telemetry: &Telemetry) {
        let severity = if self
            .attrs
            .iter()
            .any(|kv| kv.key.as_str() == a::ERROR_TYPE.key())
        {
            Severity::Warn
        } else {
            Severity::Info
        };
        super::events::emit(telemetry, cx, self.descriptor.name, severity, self.attrs);
    }

    /// Emits the event in the current context with the current handle.
    pub fn emit(self) {
        let cx = Context::current();
        self.emit_in(&cx, &Telemetry::current());
    }
}

/// A `u64` counter for `d`.
pub fn u64_counter(meter: &Meter, d: &'static MetricDescriptor) -> Counter<u64> {
    meter
        .u64_counter(d.name)
        .with_unit(d.unit)
        .with_description(d.brief)
        .build()
}

/// An `i64` up-down counter for `d`.
pub fn i64_up_down_counter(meter: &Meter, d: &'static MetricDescriptor) -> UpDownCounter<i64> {
    meter
        .i64_up_down_counter(d.name)
        .with_unit(d.unit)
        .with_description(d.brief)
        .build()
}

/// A `f64` gauge for `d`.
pub fn f64_gauge(meter: &Meter, d: &'static MetricDescriptor) -> Gauge<f64> {
    meter
        .f64_gauge(d.name)
        .with_unit(d.unit)
        .with_description(d.brief)
        .build()
}

#[cfg(test)]
mod tests {
    /// The generated builders move a `SpanStart` through every setter: past about 128 bytes
    /// each move becomes a call to `memcpy` (8 % of a generated span's time when it was 152).
    #[test]
    fn a_span_start_is_small_enough_to_move_cheaply() {
        let size = std::mem::size_of::<super::SpanStart>();
        assert!(size <= 112, "SpanStart is {size} bytes");
    }
}
