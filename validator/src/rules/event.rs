//! Event (log record) rules: `unknown_event`, `event_body_field_not_present`,
//! `event_without_trace_context`, and the attribute and requirement rules.

use super::Checker;
use crate::compiled::DefId;
use crate::finding::{Finding, FindingId, Level};
use crate::telemetry::{LogRecord, Value};

impl Checker<'_> {
    /// Checks a log record; returns the event definition it was checked against.
    pub(crate) fn log(
        &mut self,
        log: &LogRecord,
        seen: &mut [bool],
        out: &mut Vec<Finding>,
    ) -> Option<DefId> {
        self.resolve(&log.attributes, seen);
        super::encoding::ids(&log.origin, &log.resource, &log.scope, "log record", out);
        let def_id = log
            .event_name
            .as_deref()
            .and_then(|n| self.c.events.get(n).copied());
        let def = def_id.map(|d| &self.c.defs[d as usize]);
        for (i, (k, v)) in log.attributes.iter().enumerate() {
            self.attribute(k.as_str(), v, self.ids[i], def, out);
        }
        match (def, log.event_name.as_deref()) {
            (Some(def), name) => {
                self.requirements(def, None, out);
                if !def.body_fields.is_empty() {
                    let body = log.body.as_ref().and_then(Value::as_kvlist);
                    for field in &def.body_fields {
                        if !body.is_some_and(|b| b.contains_key(field)) {
                            out.push(Finding::new(
                                FindingId::EventBodyFieldNotPresent,
                                Level::Violation,
                                Some(std::sync::Arc::from(&**field)),
                                format!("the body of event `{}` has no `{field}` field, which the definition requires", name.unwrap_or("")),
                            ));
                        }
                    }
                }
                if log.trace_id.is_none() || log.span_id.is_none() {
                    out.push(Finding::new(
                        FindingId::EventWithoutTraceContext,
                        Level::Improvement,
                        None,
                        format!(
                            "event `{}` carries no trace and span ids; emit it inside the span of its operation so backends can attach it",
                            name.unwrap_or("")
                        ),
                    ));
                }
            }
            (None, Some(name)) => {
                if let Some(ns) = self.c.namespace_of(name) {
                    let names = self.c.events.keys().map(|k| &**k);
                    let hint = genai_registry::suggest::did_you_mean(name, names)
                        .map(|s| format!("; did you mean `{s}`?"))
                        .unwrap_or_default();
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
