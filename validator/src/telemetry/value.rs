//! Attribute keys and values: the OTLP `AnyValue` tree.

use std::fmt;
use std::ops::Deref;

/// An attribute key.
///
/// This is the OpenTelemetry API's own key type: keys coming from the SDK (usually `&'static str`
/// constants) are moved in without copying, keys decoded from OTLP reuse the decoded `String`.
pub use opentelemetry::Key;
/// A string value, sharing the OpenTelemetry API's representation for the same reason as [`Key`].
pub use opentelemetry::StringValue;

/// An attribute value or log body: the OTLP `AnyValue` tree.
///
/// Homogeneous arrays of primitives get their own variants ([`Value::StringArray`], ...), since
/// semantic conventions type attributes as `string[]`, `int[]`, `double[]` or `boolean[]`; any
/// other array (mixed, nested, or empty) is a [`Value::Array`].
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Value {
    /// An `AnyValue` with no value set (OTLP's empty value, JSON `{}`).
    #[default]
    Empty,
    /// A string.
    String(StringValue),
    /// A boolean.
    Bool(bool),
    /// A 64-bit signed integer.
    I64(i64),
    /// A double-precision float.
    F64(f64),
    /// A byte string.
    Bytes(Vec<u8>),
    /// A non-empty array whose elements are all strings.
    StringArray(Vec<StringValue>),
    /// A non-empty array whose elements are all booleans.
    BoolArray(Vec<bool>),
    /// A non-empty array whose elements are all integers.
    I64Array(Vec<i64>),
    /// A non-empty array whose elements are all doubles.
    F64Array(Vec<f64>),
    /// Any other array: empty, mixed, or holding arrays, maps, bytes or empty values.
    Array(Vec<Value>),
    /// A map (OTLP `kvlistValue`), in its original order.
    KvList(Attributes),
}

impl Value {
    /// Builds an array value, choosing a typed variant when all elements share a primitive type.
    pub fn from_array(values: Vec<Value>) -> Value {
        let Some(first) = values.first() else {
            return Value::Array(values);
        };
        macro_rules! typed {
            ($variant:ident, $array:ident) => {
                if values.iter().all(|v| matches!(v, Value::$variant(_))) {
                    return Value::$array(
                        values
                            .into_iter()
                            .filter_map(|v| match v {
                                Value::$variant(x) => Some(x),
                                _ => None,
                            })
                            .collect(),
                    );
                }
            };
        }
        match first {
            Value::String(_) => typed!(String, StringArray),
            Value::Bool(_) => typed!(Bool, BoolArray),
            Value::I64(_) => typed!(I64, I64Array),
            Value::F64(_) => typed!(F64, F64Array),
            _ => {}
        }
        Value::Array(values)
    }

    /// The value's type in semantic-convention terms: `string`, `int`, `double`, `boolean`,
    /// `string[]`, `int[]`, `double[]`, `boolean[]`, or `bytes`, `array`, `map`, `empty`.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Empty => "empty",
            Value::String(_) => "string",
            Value::Bool(_) => "boolean",
            Value::I64(_) => "int",
            Value::F64(_) => "double",
            Value::Bytes(_) => "bytes",
            Value::StringArray(_) => "string[]",
            Value::BoolArray(_) => "boolean[]",
            Value::I64Array(_) => "int[]",
            Value::F64Array(_) => "double[]",
            Value::Array(_) => "array",
            Value::KvList(_) => "map",
        }
    }

    /// The string, if this is a string value.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s.as_str()),
            _ => None,
        }
    }

    /// The integer, if this is an integer value.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::I64(i) => Some(*i),
            _ => None,
        }
    }

    /// The number as a double, if this is an integer or double value.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::F64(f) => Some(*f),
            Value::I64(i) => Some(*i as f64),
            _ => None,
        }
    }

    /// The boolean, if this is a boolean value.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The map, if this is a key-value list.
    pub fn as_kvlist(&self) -> Option<&Attributes> {
        match self {
            Value::KvList(m) => Some(m),
            _ => None,
        }
    }
}

impl From<opentelemetry::Value> for Value {
    fn from(value: opentelemetry::Value) -> Self {
        use opentelemetry::{Array, Value as V};
        match value {
            V::Bool(b) => Value::Bool(b),
            V::I64(i) => Value::I64(i),
            V::F64(f) => Value::F64(f),
            V::String(s) => Value::String(s),
            V::Array(Array::Bool(a)) if !a.is_empty() => Value::BoolArray(a),
            V::Array(Array::I64(a)) if !a.is_empty() => Value::I64Array(a),
            V::Array(Array::F64(a)) if !a.is_empty() => Value::F64Array(a),
            V::Array(Array::String(a)) if !a.is_empty() => Value::StringArray(a),
            V::Array(Array::Bool(_) | Array::I64(_) | Array::F64(_) | Array::String(_)) => {
                Value::Array(Vec::new())
            }
            // Both enums are non-exhaustive: keep what a future variant prints as.
            other => Value::String(other.to_string().into()),
        }
    }
}

impl From<&opentelemetry::logs::AnyValue> for Value {
    fn from(value: &opentelemetry::logs::AnyValue) -> Self {
        use opentelemetry::logs::AnyValue as A;
        match value {
            A::Int(i) => Value::I64(*i),
            A::Double(f) => Value::F64(*f),
            A::String(s) => Value::String(s.clone()),
            A::Boolean(b) => Value::Bool(*b),
            A::Bytes(b) => Value::Bytes(b.as_ref().clone()),
            A::ListAny(list) => Value::from_array(list.iter().map(Value::from).collect()),
            A::Map(map) => {
                let mut entries: Vec<(Key, Value)> = map
                    .iter()
                    .map(|(k, v)| (k.clone(), Value::from(v)))
                    .collect();
                // The SDK keeps maps in a HashMap: sort for a deterministic order.
                entries.sort_by(|a, b| a.0.cmp(&b.0));
                Value::KvList(Attributes(entries))
            }
            // Non-exhaustive enum: keep what a future variant prints as.
            other => Value::String(format!("{other:?}").into()),
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.to_owned().into())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(s.into())
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Self {
        Value::I64(i)
    }
}

impl From<f64> for Value {
    fn from(f: f64) -> Self {
        Value::F64(f)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

/// Writes a JSON-like rendering, for reports.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn list<T>(
            f: &mut fmt::Formatter<'_>,
            items: &[T],
            mut each: impl FnMut(&mut fmt::Formatter<'_>, &T) -> fmt::Result,
        ) -> fmt::Result {
            f.write_str("[")?;
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                each(f, item)?;
            }
            f.write_str("]")
        }
        match self {
            Value::Empty => f.write_str("null"),
            Value::String(s) => write!(f, "{:?}", s.as_str()),
            Value::Bool(b) => write!(f, "{b}"),
            Value::I64(i) => write!(f, "{i}"),
            Value::F64(x) => write!(f, "{x}"),
            Value::Bytes(b) => write!(f, "<{} bytes>", b.len()),
            Value::StringArray(a) => list(f, a, |f, s| write!(f, "{:?}", s.as_str())),
            Value::BoolArray(a) => list(f, a, |f, b| write!(f, "{b}")),
            Value::I64Array(a) => list(f, a, |f, i| write!(f, "{i}")),
            Value::F64Array(a) => list(f, a, |f, x| write!(f, "{x}")),
            Value::Array(a) => list(f, a, |f, v| write!(f, "{v}")),
            Value::KvList(m) => {
                f.write_str("{")?;
                for (i, (k, v)) in m.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{:?}: {v}", k.as_str())?;
                }
                f.write_str("}")
            }
        }
    }
}

/// An ordered list of attributes, as received.
///
/// Kept as a vector: spans carry a few dozen attributes at most, where a linear scan beats
/// hashing and building a map would cost an allocation per span. Duplicate keys (invalid in OTLP)
/// are kept, so that a validator can report them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Attributes(pub Vec<(Key, Value)>);

impl Attributes {
    /// An empty list.
    pub const fn new() -> Self {
        Attributes(Vec::new())
    }

    /// An empty list with room for `capacity` attributes.
    pub fn with_capacity(capacity: usize) -> Self {
        Attributes(Vec::with_capacity(capacity))
    }

    /// The value of the first attribute named `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0
            .iter()
            .find(|(k, _)| k.as_str() == key)
            .map(|(_, v)| v)
    }

    /// Whether an attribute named `key` is present.
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Appends an attribute.
    pub fn push(&mut self, key: impl Into<Key>, value: impl Into<Value>) {
        self.0.push((key.into(), value.into()));
    }
}

impl Deref for Attributes {
    type Target = [(Key, Value)];

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl FromIterator<(Key, Value)> for Attributes {
    fn from_iter<I: IntoIterator<Item = (Key, Value)>>(iter: I) -> Self {
        Attributes(iter.into_iter().collect())
    }
}

impl IntoIterator for Attributes {
    type Item = (Key, Value);
    type IntoIter = std::vec::IntoIter<(Key, Value)>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a Attributes {
    type Item = &'a (Key, Value);
    type IntoIter = std::slice::Iter<'a, (Key, Value)>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}
