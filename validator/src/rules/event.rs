//! Event rules, for log records and span events alike: `unknown_event`,
//! `event_body_field_not_present`, `event_without_trace_context`, and the attribute and
//! requirement rules.

use super::attributes::suggest;
use super::{Checker, legacy};
use crate::compiled::DefId;
use crate::finding::{Finding, FindingId, Level};
use crate::telemetry::{Attributes, Event, LogRecord, Value};
use crate::text::{Text, clip};

/// What an event is carried in.
enum Carrier<'a> {
    /// A log record: its body, and whether it has trace and span ids.
    Log {
        body: Option<&'a Value>,
        in_trace: bool,
    },
    /// A span event (no body; always in its span).
    Span,
}

impl Checker<'_> {
    /// Checks a log record; returns the event definition it was checked against.
    pub(crate) fn log(
        &mut self,
        log: &LogRecord,
        seen: &mut [bool],
        out: &mut Vec<Finding>,
    ) -> Option<DefId> {
        super::encoding::ids(&log.origin, &log.resource, &log.scope, "log record", out);
        let carrier = Carrier::Log {
            body: log.body.as_ref(),
            in_trace: log.trace_id.is_some() && log.span_id.is_some(),
        };
        self.event(
            log.event_name.as_deref(),
            &log.attributes,
            carrier,
            seen,
            out,
        )
    }

    /// Checks the events of a span against their event definitions: each attribute (types,
    /// enums, content leaks and content schemas, unknown keys, duplicates), as for the log
    /// record it stands for (a content event in `EVENT_ONLY` mode); requirements stay the
    /// span's. Events outside the registry's namespaces are left alone. Findings are added to
    /// the span's, naming the event.
    pub(crate) fn span_events(
        &mut self,
        events: &[Event],
        seen: &mut [bool],
        out: &mut Vec<Finding>,
    ) {
        for event in events {
            let known = self.c.events.contains_key(&*event.name);
            if !known && self.c.namespace_of(&event.name).is_none() {
                continue;
            }
            let from = out.len();
            self.event(
                Some(event.name.as_ref()),
                &event.attributes,
                Carrier::Span,
                seen,
                out,
            );
            let name = clip(&event.name);
            for f in &mut out[from..] {
                f.message = format!("span event `{name}`: {}", f.message).into();
            }
        }
    }

    fn event(
        &mut self,
        name: Option<&str>,
        attributes: &Attributes,
        carrier: Carrier<'_>,
        seen: &mut [bool],
        out: &mut Vec<Finding>,
    ) -> Option<DefId> {
        self.resolve(attributes, seen);
        let def_id = name.and_then(|n| self.c.events.get(n).copied());
        let def = def_id.map(|d| &self.c.defs[d as usize]);
        for (i, (k, v)) in attributes.iter().enumerate() {
            self.attribute(k.as_str(), v, self.ids[i], def, out);
        }
        self.duplicates(attributes, out);
        match (def, name) {
            (Some(def), name) => {
                let name = clip(name.unwrap_or(""));
                // A span event's requirements are its span's (the span carries the operation's
                // attributes); only a log record is checked for them.
                if let Carrier::Log { body, in_trace } = carrier {
                    self.requirements(def, attributes, None, out);
                    if !def.body_fields.is_empty() {
                        let body = body.and_then(Value::as_kvlist);
                        for field in &def.body_fields {
                            if !body.is_some_and(|b| b.contains_key(field)) {
                                out.push(Finding::new(
                                    FindingId::EventBodyFieldNotPresent,
                                    Level::Violation,
                                    Some(std::sync::Arc::from(&**field)),
                                    format!("the body of event `{name}` has no `{field}` field, which the definition requires"),
                                ));
                            }
                        }
                    }
                    if !in_trace {
                        out.push(Finding::new(
                            FindingId::EventWithoutTraceContext,
                            Level::Improvement,
                            None,
                            format!(
                                "event `{name}` carries no trace and span ids; emit it inside the span of its operation so backends can attach it"
                            ),
                        ));
                    }
                }
            }
            (None, Some(name)) if let Some(replacement) = legacy::event_replacement(name) => {
                out.push(Finding::new(
                    FindingId::LegacyEvent,
                    Level::Improvement,
                    None,
                    format!(
                        "event `{name}` belongs to the earlier GenAI semantic conventions \
                         (deprecated since v1.37.0); record its content in {replacement}"
                    ),
                ));
                if let Carrier::Log {
                    body: Some(body), ..
                } = carrier
                    && !self.o.capture_content
                    && legacy::body_carries_content(body)
                {
                    out.push(self.leak(Text::shared(&format!("{name} body"))));
                }
            }
            (None, Some(name)) => {
                if let Some(ns) = self.c.namespace_of(name) {
                    let hint = suggest(name, self.c.events.keys().map(|k| &**k))
                        .map(|s| format!("; did you mean `{s}`?"))
                        .unwrap_or_default();
                    let name = clip(name);
                    out.push(Finding::new(
                        FindingId::UnknownEvent,
                        Level::Violation,
                        None,
                        format!("event `{name}` is under the registry namespace `{ns}` but the registry does not define it{hint}"),
                    ));
                }
            }
            (None, None) => {}
        }
        self.clear();
        def_id
    }
}
