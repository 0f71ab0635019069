//! Requirement-level rules: `required_attribute_not_present`,
//! `conditionally_required_attribute_not_present`, `recommended_attribute_not_present`.

use super::Checker;
use crate::compiled::{Condition, DefInfo, Req};
use crate::finding::{Finding, FindingId, Level};
use crate::telemetry::{Attributes, Value};
use crate::text::Text;

impl Checker<'_> {
    /// Reports the definition's attributes that are missing from `attrs` (resolved by
    /// [`Checker::resolve`]). `errored` is the span status (`None` when the item has none, e.g.
    /// a metric point): it decides `error.type`.
    pub(crate) fn requirements(
        &self,
        def: &DefInfo,
        attrs: &Attributes,
        errored: Option<bool>,
        out: &mut Vec<Finding>,
    ) {
        // Decided once per item, and only when a missing attribute asks.
        let mut streaming: Option<bool> = None;
        for da in &def.attrs {
            if self.has(da.attr) {
                continue;
            }
            let (id, level) = match da.req {
                Req::Required => (FindingId::RequiredAttributeNotPresent, Level::Violation),
                Req::OptIn => continue,
                Req::Recommended(cond) => {
                    if self.decide(cond, def, attrs, errored, &mut streaming) == Some(false) {
                        continue;
                    }
                    (
                        FindingId::RecommendedAttributeNotPresent,
                        Level::Improvement,
                    )
                }
                Req::Conditional(cond) => {
                    let level = match self.decide(cond, def, attrs, errored, &mut streaming) {
                        Some(true) => Level::Violation,
                        Some(false) => continue,
                        None => Level::Information,
                    };
                    (FindingId::ConditionallyRequiredAttributeNotPresent, level)
                }
            };
            out.push(Finding {
                id,
                level,
                attribute: Some(Text::from_static(da.key)),
                message: Text::from_static(da.missing),
            });
        }
    }

    /// Whether `cond` holds for this item; `None` when the data cannot tell.
    fn decide(
        &self,
        cond: Condition,
        def: &DefInfo,
        attrs: &Attributes,
        errored: Option<bool>,
        streaming: &mut Option<bool>,
    ) -> Option<bool> {
        match cond {
            Condition::Undecidable => None,
            Condition::WhenError => errored,
            Condition::WhenPresent(other) => Some(self.has(other)),
            Condition::WhenValue(other, wanted) => Some(
                self.has(other)
                    && self
                        .value_of(other, attrs)
                        .is_some_and(|v| value_is(v, wanted)),
            ),
            Condition::Streaming => Some(*streaming.get_or_insert_with(|| {
                def.streaming.iter().any(|a| {
                    self.has(*a)
                        && self
                            .value_of(*a, attrs)
                            .is_some_and(|v| !matches!(v, Value::Bool(false)))
                })
            })),
        }
    }
}

/// Whether `v` is `wanted`, compared as the registry writes values (text).
fn value_is(v: &Value, wanted: &str) -> bool {
    match v {
        Value::String(s) => s.as_str() == wanted,
        Value::Bool(b) => wanted == if *b { "true" } else { "false" },
        Value::I64(i) => wanted.parse::<i64>().is_ok_and(|w| w == *i),
        Value::F64(f) => wanted.parse::<f64>().is_ok_and(|w| w == *f),
        _ => false,
    }
}
