//! Requirement-level rules: `required_attribute_not_present`,
//! `conditionally_required_attribute_not_present`, `recommended_attribute_not_present`.

use super::Checker;
use crate::compiled::{Condition, DefInfo, Req};
use crate::finding::{Finding, FindingId, Level};
use crate::text::Text;

impl Checker<'_> {
    /// Reports the definition's attributes that are missing. `errored` is the span status
    /// (`None` when the item has none, e.g. a metric point): it decides `error.type`.
    pub(crate) fn requirements(
        &self,
        def: &DefInfo,
        errored: Option<bool>,
        out: &mut Vec<Finding>,
    ) {
        for da in &def.attrs {
            if self.has(da.attr) {
                continue;
            }
            let (id, level) = match da.req {
                Req::Required => (FindingId::RequiredAttributeNotPresent, Level::Violation),
                Req::Recommended => (
                    FindingId::RecommendedAttributeNotPresent,
                    Level::Improvement,
                ),
                Req::OptIn => continue,
                Req::Conditional(cond) => {
                    let level = match (cond, errored) {
                        (Condition::WhenError, Some(true)) => Level::Violation,
                        (Condition::WhenError, Some(false)) => continue,
                        (Condition::WhenPresent(other), _) if self.has(other) => Level::Violation,
                        (Condition::WhenPresent(_), _) => continue,
                        _ => Level::Information,
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
}
