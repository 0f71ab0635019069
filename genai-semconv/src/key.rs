//! Typed attribute keys: a key only builds a [`KeyValue`] from a value of its own type.
//!
//! ```
//! use genai_semconv::attribute::{GEN_AI_OPERATION_NAME, GEN_AI_REQUEST_MAX_TOKENS, GEN_AI_REQUEST_MODEL};
//! use genai_semconv::OperationName;
//!
//! let attrs = [
//!     GEN_AI_OPERATION_NAME.value(OperationName::Chat),
//!     GEN_AI_REQUEST_MODEL.value("gpt-4o"),
//!     GEN_AI_REQUEST_MAX_TOKENS.value(100),
//! ];
//! assert_eq!(attrs[2].key.as_str(), "gen_ai.request.max_tokens");
//! assert_eq!(GEN_AI_REQUEST_MODEL.key(), "gen_ai.request.model");
//! ```
//!
//! A value of the wrong type does not compile:
//!
//! ```compile_fail
//! let _ = genai_semconv::attribute::GEN_AI_REQUEST_MAX_TOKENS.value("100");
//! ```

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;

use opentelemetry::Array;
/// Re-exported OpenTelemetry types that generated code and users need.
pub use opentelemetry::{Key, KeyValue, StringValue, Value};

/// Marker type of `any` attributes: structured values (messages, tool definitions, ...), which
/// OpenTelemetry spans record as given, usually as JSON text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AnyValue;

/// The key of an attribute whose values have type `T`.
///
/// `T` is `String`, `i64`, `f64`, `bool`, `Vec<String>`, `Vec<i64>`, `Vec<f64>`, `Vec<bool>`,
/// [`AnyValue`], or one of the generated enums (e.g. [`crate::OperationName`]).
pub struct AttributeKey<T> {
    key: &'static str,
    ty: PhantomData<fn() -> T>,
}

impl<T> AttributeKey<T> {
    /// A key; generated code is the usual caller.
    pub const fn new(key: &'static str) -> Self {
        Self {
            key,
            ty: PhantomData,
        }
    }

    /// The key, e.g. `gen_ai.request.model`.
    pub const fn key(&self) -> &'static str {
        self.key
    }

    /// The key as an OpenTelemetry [`Key`] (no allocation).
    pub fn otel_key(&self) -> Key {
        Key::from_static_str(self.key)
    }

    /// A key-value pair for this attribute; `value` must have the attribute's type.
    pub fn value<V: IntoAttributeValue<T>>(&self, value: V) -> KeyValue {
        KeyValue::new(self.otel_key(), value.into_attribute_value())
    }
}

impl<T> Clone for AttributeKey<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for AttributeKey<T> {}

impl<T> PartialEq for AttributeKey<T> {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}

impl<T> Eq for AttributeKey<T> {}

impl<T> fmt::Debug for AttributeKey<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("AttributeKey").field(&self.key).finish()
    }
}

impl<T> fmt::Display for AttributeKey<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key)
    }
}

impl<T> From<AttributeKey<T>> for Key {
    fn from(k: AttributeKey<T>) -> Key {
        k.otel_key()
    }
}

/// The key prefix of a template attribute (`template[...]` in the registry): a family of keys
/// `<prefix>.<name>`, e.g. `gen_ai.prompt.variable.city`.
pub struct TemplateKey<T> {
    prefix: &'static str,
    ty: PhantomData<fn() -> T>,
}

impl<T> TemplateKey<T> {
    /// A template key; generated code is the usual caller.
    pub const fn new(prefix: &'static str) -> Self {
        Self {
            prefix,
            ty: PhantomData,
        }
    }

    /// The prefix, e.g. `gen_ai.prompt.variable`.
    pub const fn prefix(&self) -> &'static str {
        self.prefix
    }

    /// The full key for `name`: `<prefix>.<name>`.
    pub fn key(&self, name: &str) -> String {
        format!("{}.{}", self.prefix, name)
    }

    /// A key-value pair for the attribute `<prefix>.<name>`.
    pub fn value<V: IntoAttributeValue<T>>(&self, name: &str, value: V) -> KeyValue {
        KeyValue::new(self.key(name), value.into_attribute_value())
    }
}

impl<T> Clone for TemplateKey<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for TemplateKey<T> {}

impl<T> fmt::Debug for TemplateKey<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("TemplateKey").field(&self.prefix).finish()
    }
}

/// Values accepted for an attribute of type `T`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a value of type `{T}`, the type of this attribute",
    label = "wrong value type for this attribute key"
)]
pub trait IntoAttributeValue<T> {
    /// The OpenTelemetry value.
    fn into_attribute_value(self) -> Value;

    /// The value's text when it lives for the whole program (a string literal): a span name
    /// made from it can then be made once, not at every span.
    #[doc(hidden)]
    #[inline]
    fn static_text(&self) -> Option<&'static str> {
        None
    }
}

macro_rules! scalar {
    ($target:ty => $variant:ident as $conv:ty: $($src:ty),+) => {
        $(impl IntoAttributeValue<$target> for $src {
            fn into_attribute_value(self) -> Value {
                Value::$variant(<$conv>::from(self))
            }
        })+
    };
}

scalar!(i64 => I64 as i64: i64, i32, i16, i8, u32, u16, u8);
scalar!(f64 => F64 as f64: f64, f32);
scalar!(bool => Bool as bool: bool);
scalar!(String => String as StringValue: String, Arc<str>, StringValue);

impl IntoAttributeValue<String> for &'static str {
    fn into_attribute_value(self) -> Value {
        Value::String(StringValue::from(self))
    }
    #[inline]
    fn static_text(&self) -> Option<&'static str> {
        Some(self)
    }
}

impl IntoAttributeValue<String> for Cow<'static, str> {
    fn into_attribute_value(self) -> Value {
        Value::String(StringValue::from(self))
    }
    #[inline]
    fn static_text(&self) -> Option<&'static str> {
        match self {
            Cow::Borrowed(s) => Some(s),
            Cow::Owned(_) => None,
        }
    }
}

impl<V: Into<StringValue>> IntoAttributeValue<Vec<String>> for Vec<V> {
    fn into_attribute_value(self) -> Value {
        Value::Array(Array::String(self.into_iter().map(Into::into).collect()))
    }
}

impl<V: Into<StringValue>, const N: usize> IntoAttributeValue<Vec<String>> for [V; N] {
    fn into_attribute_value(self) -> Value {
        Value::Array(Array::String(self.into_iter().map(Into::into).collect()))
    }
}

impl IntoAttributeValue<Vec<String>> for &[&'static str] {
    fn into_attribute_value(self) -> Value {
        Value::Array(Array::String(
            self.iter().map(|s| StringValue::from(*s)).collect(),
        ))
    }
}

macro_rules! array {
    ($elem:ty => $variant:ident) => {
        impl IntoAttributeValue<Vec<$elem>> for Vec<$elem> {
            fn into_attribute_value(self) -> Value {
                Value::Array(Array::$variant(self))
            }
        }

        impl<const N: usize> IntoAttributeValue<Vec<$elem>> for [$elem; N] {
            fn into_attribute_value(self) -> Value {
                Value::Array(Array::$variant(self.to_vec()))
            }
        }

        impl IntoAttributeValue<Vec<$elem>> for &[$elem] {
            fn into_attribute_value(self) -> Value {
                Value::Array(Array::$variant(self.to_vec()))
            }
        }
    };
}

array!(i64 => I64);
array!(f64 => F64);
array!(bool => Bool);

impl<V: Into<Value>> IntoAttributeValue<AnyValue> for V {
    fn into_attribute_value(self) -> Value {
        self.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_values() {
        const MAX: AttributeKey<i64> = AttributeKey::new("x.max");
        const STOP: AttributeKey<Vec<String>> = AttributeKey::new("x.stop");
        const T: AttributeKey<f64> = AttributeKey::new("x.t");
        const VARS: TemplateKey<String> = TemplateKey::new("x.var");
        assert_eq!(MAX.value(100).value, Value::I64(100));
        assert_eq!(T.value(0.5).value, Value::F64(0.5));
        assert_eq!(
            STOP.value(["a", "b"]).value,
            Value::Array(Array::String(vec!["a".into(), "b".into()]))
        );
        let kv = VARS.value("city", "Lyon");
        assert_eq!(kv.key.as_str(), "x.var.city");
        assert_eq!(format!("{MAX:?} {MAX}"), "AttributeKey(\"x.max\") x.max");
    }
}
