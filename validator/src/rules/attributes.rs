//! Per-attribute rules: `type_mismatch`, `undefined_enum_variant`, `deprecated_attribute`,
//! `opt_in_attribute_present`, `content_schema_mismatch`, `unknown_attribute`,
//! `legacy_attribute`.

use std::sync::Arc;

use genai_registry::PrimitiveType;

use super::Checker;
use super::legacy;
use crate::compiled::{AttrId, DefInfo};
use crate::finding::{Finding, FindingId, Level};
use crate::telemetry::Value;
use crate::text::{Text, clip};

/// Whether a value has the registry type.
pub(crate) fn type_matches(ty: PrimitiveType, value: &Value) -> bool {
    let empty_array = matches!(value, Value::Array(a) if a.is_empty());
    match ty {
        PrimitiveType::Any => true,
        PrimitiveType::String => matches!(value, Value::String(_)),
        PrimitiveType::Int => matches!(value, Value::I64(_)),
        PrimitiveType::Double => matches!(value, Value::F64(_)),
        PrimitiveType::Boolean => matches!(value, Value::Bool(_)),
        PrimitiveType::StringArray => matches!(value, Value::StringArray(_)) || empty_array,
        PrimitiveType::IntArray => matches!(value, Value::I64Array(_)) || empty_array,
        PrimitiveType::DoubleArray => matches!(value, Value::F64Array(_)) || empty_array,
        PrimitiveType::BooleanArray => matches!(value, Value::BoolArray(_)) || empty_array,
    }
}

/// Keys and names longer than this get no "did you mean" (no registry name is near that
/// long, and edit distance on megabytes of text costs seconds).
const MAX_SUGGEST_LEN: usize = 128;

/// "Did you mean": the closest of `candidates`, skipped for input longer than
/// [`MAX_SUGGEST_LEN`] bytes (the cost is then bounded by the registry, not the telemetry).
pub(crate) fn suggest<'c>(
    input: &str,
    candidates: impl Iterator<Item = &'c str>,
) -> Option<&'c str> {
    if input.len() > MAX_SUGGEST_LEN {
        return None;
    }
    genai_registry::suggest::did_you_mean(input, candidates)
}

/// A short rendering of a value for messages.
pub(crate) fn short(value: &Value) -> String {
    let s = value.to_string();
    if s.chars().count() > 60 {
        let cut: String = s.chars().take(57).collect();
        format!("{cut}...")
    } else {
        s
    }
}

impl Checker<'_> {
    /// Checks one attribute; `def` is the matched definition, if any.
    pub(crate) fn attribute(
        &self,
        key: &str,
        value: &Value,
        id: Option<AttrId>,
        def: Option<&DefInfo>,
        out: &mut Vec<Finding>,
    ) {
        let Some(id) = id else {
            self.undefined(key, out);
            return;
        };
        let attr = &self.c.attrs[id as usize];
        if let Some(msg) = attr.deprecated {
            out.push(Finding {
                id: FindingId::DeprecatedAttribute,
                level: Level::Improvement,
                attribute: Some(Text::from_static(attr.key)),
                message: Text::from_static(msg),
            });
        }
        if !type_matches(attr.ty, value) {
            out.push(Finding::new(
                FindingId::TypeMismatch,
                Level::Violation,
                Some(Arc::from(key)),
                format!(
                    "`{key}` has type `{}` (value {}), expected `{}`",
                    value.type_name(),
                    short(value),
                    attr.expected
                ),
            ));
        } else if let Some(e) = &attr.enum_info {
            self.enum_value(key, value, e, out);
        }
        if self.o.capture_content {
            if let Some(kind) = attr.content
                && let Err(why) = kind.check(value)
            {
                out.push(Finding {
                    id: FindingId::ContentSchemaMismatch,
                    level: Level::Violation,
                    attribute: Some(Text::from_static(attr.key)),
                    message: format!("`{key}` does not match its message format: {why}").into(),
                });
            }
        } else if attr.content.is_some() || def.is_some_and(|d| d.is_opt_in(id)) {
            out.push(self.leak(Text::from_static(attr.key)));
        }
    }

    fn enum_value(
        &self,
        key: &str,
        value: &Value,
        e: &crate::compiled::EnumInfo,
        out: &mut Vec<Finding>,
    ) {
        let known = match value {
            Value::String(s) => {
                let s = s.as_str();
                match e.strings.iter().find(|(m, _)| &**m == s) {
                    Some((_, Some(dep))) => {
                        out.push(Finding {
                            id: FindingId::DeprecatedAttribute,
                            level: Level::Improvement,
                            attribute: Some(Text::shared(key)),
                            message: Text::from_static(dep),
                        });
                        true
                    }
                    Some(_) => true,
                    None => false,
                }
            }
            Value::I64(i) => e.ints.contains(i),
            _ => true,
        };
        if !known {
            let (level, tail) = if e.open {
                (
                    Level::Information,
                    "custom values are allowed, but a listed one is better understood by backends",
                )
            } else {
                (Level::Violation, "only listed values are allowed")
            };
            out.push(Finding::new(
                FindingId::UndefinedEnumVariant,
                level,
                Some(Arc::from(key)),
                format!(
                    "`{key}` has value {} which is not one of {}; {tail}",
                    short(value),
                    e.listing
                ),
            ));
        }
    }

    pub(crate) fn leak(&self, key: Text) -> Finding {
        let message = format!(
            "`{key}` carries message content, but content capture was not declared: a privacy \
             leak. Record it only when capture is enabled (in code, or with \
             OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT), and tell the validator so \
             (--capture-content)"
        );
        Finding {
            id: FindingId::OptInAttributePresent,
            level: Level::Violation,
            attribute: Some(key),
            message: message.into(),
        }
    }

    /// A key the registry does not define: legacy, unknown under a registry namespace, or
    /// someone else's.
    fn undefined(&self, key: &str, out: &mut Vec<Finding>) {
        if let Some(l) = legacy::lookup(key) {
            let replacement = match l.replacement {
                Some(r) => format!("; use `{r}` instead"),
                None => "; the GenAI semantic conventions have no direct replacement".into(),
            };
            out.push(Finding::new(
                FindingId::LegacyAttribute,
                Level::Improvement,
                Some(Arc::from(key)),
                format!("`{key}` belongs to the {}{replacement}", l.origin),
            ));
            if l.content && !self.o.capture_content {
                out.push(self.leak(Text::shared(key)));
            }
            return;
        }
        if self.o.allows(key) {
            return;
        }
        let Some(ns) = self.c.namespace_of(key) else {
            return;
        };
        let hint = match suggest(
            key,
            self.c
                .attrs
                .iter()
                .map(|a| a.key)
                .filter(|k| k.starts_with(ns)),
        ) {
            Some(s) => format!("; did you mean `{s}`?"),
            None => String::new(),
        };
        let key = clip(key);
        out.push(Finding::new(
            FindingId::UnknownAttribute,
            Level::Violation,
            Some(Arc::from(&*key)),
            format!(
                "`{key}` is under the registry namespace `{ns}` but the registry does not define \
                 it{hint}"
            ),
        ));
    }
}
