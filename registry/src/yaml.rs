//! YAML reading with a location on every node.
//!
//! Why `granit-parser`: it is the pure-Rust, `unsafe`-forbidding, fuzzed YAML 1.2 parser behind
//! `serde-saphyr` (a maintained fork of `saphyr-parser`, which Weaver's stack uses); its events
//! carry line/column markers, and unlike `saphyr-parser` 0.3 it accepts the flow sequences with
//! a less-indented closing bracket that upstream registries contain. We build a small located tree from its
//! events and deserialize the registry model from that tree through serde, so every serde error
//! (unknown field, wrong type, bad enum value) is attached to the node it is about, and semantic
//! errors later point at the exact `ref:`/`id:` value through [`Located`]. `serde_yaml` is
//! deprecated and archived; `serde-saphyr` gives spans too, but only for the first error of a
//! file and not inside untagged enums, which the requirement-level and type fields need.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use granit_parser::{Event, Parser, ScalarStyle, Span};
use serde::de::{
    self, DeserializeSeed, Error as _, IntoDeserializer, MapAccess, SeqAccess, Visitor,
};

use crate::source::{Location, Pos, SourceFile};

/// Maximum nesting depth accepted in a registry file.
const MAX_DEPTH: usize = 128;
/// Maximum number of nodes a file may hold once its aliases are expanded (aliases are copied,
/// so without a bound a few hundred bytes of nested aliases, a "billion laughs", would expand
/// to billions of nodes). The largest upstream registry file has a few tens of thousands.
pub const MAX_NODES: usize = 1_000_000;
/// Maximum number of scalar bytes that alias expansion may add to a file.
pub const MAX_ALIAS_BYTES: usize = 64 << 20;

/// Nodes and scalar bytes in a tree.
fn weight(n: &Node) -> (usize, usize) {
    match &n.kind {
        NodeKind::Scalar { text, .. } => (1, text.len()),
        NodeKind::Seq(items) => items.iter().fold((1, 0), |(c, b), i| {
            let (ic, ib) = weight(i);
            (c.saturating_add(ic), b.saturating_add(ib))
        }),
        NodeKind::Map(entries) => entries.iter().fold((1, 0), |(c, b), (k, v)| {
            let (kc, kb) = weight(k);
            let (vc, vb) = weight(v);
            (
                c.saturating_add(kc).saturating_add(vc),
                b.saturating_add(kb).saturating_add(vb),
            )
        }),
    }
}

/// A YAML node with its location.
#[derive(Debug, Clone)]
pub struct Node {
    /// What the node holds.
    pub kind: NodeKind,
    /// Where it is.
    pub start: Pos,
    /// Where it ends.
    pub end: Pos,
}

/// The content of a [`Node`].
#[derive(Debug, Clone)]
pub enum NodeKind {
    /// A scalar; `plain` is false for quoted and block scalars (always strings).
    Scalar {
        /// The scalar's text.
        text: String,
        /// Whether it was written without quotes (so `true`, `1`, `~` have their YAML meaning).
        plain: bool,
    },
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping, in file order.
    Map(Vec<(Node, Node)>),
}

/// A YAML syntax error.
#[derive(Debug, Clone)]
pub struct SyntaxError {
    /// What went wrong.
    pub message: String,
    /// Where.
    pub pos: Pos,
}

fn pos(m: granit_parser::Marker) -> Pos {
    Pos {
        line: u32::try_from(m.line()).unwrap_or(u32::MAX),
        col: u32::try_from(m.col() + 1).unwrap_or(u32::MAX),
    }
}

/// Parses YAML text into a located tree (an empty document is `None`). A registry file holds
/// one document: a second one is an error, as is alias expansion beyond [`MAX_NODES`] nodes or
/// [`MAX_ALIAS_BYTES`] bytes.
pub fn parse(text: &str) -> Result<Option<Node>, SyntaxError> {
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<(Node, Option<Node>, usize)> = Vec::new();
    // Anchored nodes with their weight (nodes, scalar bytes).
    let mut anchors: Vec<(usize, Node, (usize, usize))> = Vec::new();
    let mut root: Option<Node> = None;
    let mut documents = 0usize;
    let mut nodes = 0usize;
    let mut alias_bytes = 0usize;
    while let Some(item) = parser.next_event() {
        let (event, span): (Event<'_>, Span) = item.map_err(|e| SyntaxError {
            message: e.info().to_string(),
            pos: pos(*e.marker()),
        })?;
        let (start, end) = (pos(span.start), pos(span.end));
        let fresh = matches!(
            event,
            Event::Scalar(..) | Event::SequenceStart(..) | Event::MappingStart(..)
        );
        let done: Option<(Node, usize)> = match event {
            Event::StreamStart | Event::Anchor(..) => None,
            Event::DocumentStart(..) => {
                documents += 1;
                if documents > 1 {
                    return Err(SyntaxError {
                        message: "a second YAML document (`---`): a registry file holds one \
                                  document; move it to a file of its own"
                            .into(),
                        pos: start,
                    });
                }
                None
            }
            Event::UnresolvedAlias(name) => {
                return Err(SyntaxError {
                    message: format!("alias `*{name}` refers to no anchor"),
                    pos: start,
                });
            }
            Event::DocumentEnd => None,
            Event::StreamEnd => break,
            Event::Alias(id) => match anchors.iter().rev().find(|(a, _, _)| *a == id) {
                Some((_, n, (count, bytes))) => {
                    nodes = nodes.saturating_add(*count);
                    alias_bytes = alias_bytes.saturating_add(*bytes);
                    if nodes > MAX_NODES || alias_bytes > MAX_ALIAS_BYTES {
                        return Err(SyntaxError {
                            message: format!(
                                "aliases expand to more than {MAX_NODES} nodes or \
                                 {MAX_ALIAS_BYTES} bytes (nested aliases, a \"billion laughs\"?)"
                            ),
                            pos: start,
                        });
                    }
                    Some((
                        Node {
                            kind: n.kind.clone(),
                            start,
                            end,
                        },
                        0,
                    ))
                }
                None => {
                    return Err(SyntaxError {
                        message: "alias to an unknown anchor".into(),
                        pos: start,
                    });
                }
            },
            Event::Scalar(value, style, anchor, _tag) => Some((
                Node {
                    kind: NodeKind::Scalar {
                        text: value.into_owned(),
                        plain: matches!(style, ScalarStyle::Plain),
                    },
                    start,
                    end,
                },
                anchor,
            )),
            Event::SequenceStart(_, anchor, _) | Event::MappingStart(_, anchor, _) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(SyntaxError {
                        message: format!("nesting deeper than {MAX_DEPTH} levels"),
                        pos: start,
                    });
                }
                let kind = if matches!(event, Event::SequenceStart(..)) {
                    NodeKind::Seq(Vec::new())
                } else {
                    NodeKind::Map(Vec::new())
                };
                stack.push((Node { kind, start, end }, None, anchor));
                None
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop() {
                Some((mut node, _, anchor)) => {
                    node.end = end;
                    Some((node, anchor))
                }
                None => None,
            },
            // Comments (a feature not enabled here) and future events carry no data for us.
            #[allow(unreachable_patterns)]
            _ => None,
        };
        if fresh {
            nodes += 1;
            if nodes > MAX_NODES {
                return Err(SyntaxError {
                    message: format!("more than {MAX_NODES} YAML nodes in one file"),
                    pos: start,
                });
            }
        }
        if let Some((node, anchor)) = done {
            if anchor != 0 {
                let w = weight(&node);
                anchors.push((anchor, node.clone(), w));
            }
            match stack.last_mut() {
                None => {
                    root = Some(node);
                }
                Some((parent, pending_key, _)) => match &mut parent.kind {
                    NodeKind::Seq(items) => items.push(node),
                    NodeKind::Map(entries) => match pending_key.take() {
                        None => *pending_key = Some(node),
                        Some(key) => entries.push((key, node)),
                    },
                    NodeKind::Scalar { .. } => {}
                },
            }
        }
    }
    Ok(root)
}

impl Node {
    /// The node as a JSON value (YAML 1.2 core schema for plain scalars).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value;
        match &self.kind {
            NodeKind::Scalar { text, plain } => {
                if *plain {
                    plain_scalar(text)
                } else {
                    Value::String(text.clone())
                }
            }
            NodeKind::Seq(items) => Value::Array(items.iter().map(Node::to_json).collect()),
            NodeKind::Map(entries) => Value::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.key_text().into_owned(), v.to_json()))
                    .collect(),
            ),
        }
    }

    /// A mapping key as text (non-scalar keys are rendered as JSON).
    pub fn key_text(&self) -> Cow<'_, str> {
        match &self.kind {
            NodeKind::Scalar { text, .. } => Cow::Borrowed(text),
            _ => Cow::Owned(self.to_json().to_string()),
        }
    }

    /// Looks up a mapping entry by key.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.kind {
            NodeKind::Map(entries) => entries
                .iter()
                .find(|(k, _)| k.key_text() == key)
                .map(|(_, v)| v),
            _ => None,
        }
    }

    /// Follows a JSON pointer (as produced by JSON Schema validators) as far as it goes.
    pub fn pointer(&self, pointer: &str) -> &Node {
        let mut node = self;
        for raw in pointer.split('/').skip(1) {
            let seg = raw.replace("~1", "/").replace("~0", "~");
            let next = match &node.kind {
                NodeKind::Map(entries) => entries
                    .iter()
                    .find(|(k, _)| k.key_text() == seg)
                    .map(|(_, v)| v),
                NodeKind::Seq(items) => seg.parse::<usize>().ok().and_then(|i| items.get(i)),
                NodeKind::Scalar { .. } => None,
            };
            match next {
                Some(n) => node = n,
                None => break,
            }
        }
        node
    }

    fn describe(&self) -> &'static str {
        match &self.kind {
            NodeKind::Scalar { text, plain: true } => match plain_scalar(text) {
                serde_json::Value::Null => "null",
                serde_json::Value::Bool(_) => "a boolean",
                serde_json::Value::Number(_) => "a number",
                _ => "a string",
            },
            NodeKind::Scalar { .. } => "a string",
            NodeKind::Seq(_) => "a sequence",
            NodeKind::Map(_) => "a mapping",
        }
    }
}

/// Interprets a plain scalar with the YAML 1.2 core schema.
pub fn plain_scalar(text: &str) -> serde_json::Value {
    use serde_json::Value;
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    if let Some(i) = parse_int(text) {
        return Value::from(i);
    }
    let looks_float = text
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'))
        && text.bytes().any(|b| b.is_ascii_digit());
    if looks_float
        && let Ok(f) = text.parse::<f64>()
        && let Some(n) = serde_json::Number::from_f64(f)
    {
        return Value::Number(n);
    }
    Value::String(text.to_string())
}

fn parse_int(text: &str) -> Option<i64> {
    if let Some(hex) = text.strip_prefix("0x") {
        return i64::from_str_radix(hex, 16).ok();
    }
    if let Some(oct) = text.strip_prefix("0o") {
        return i64::from_str_radix(oct, 8).ok();
    }
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

// ---------------------------------------------------------------------------------------------
// serde support

/// A deserialization error, located at the innermost node it concerns.
#[derive(Debug, Clone)]
pub struct DeError {
    /// What went wrong.
    pub message: String,
    /// Where (filled in by the node that produced or first saw the error).
    pub at: Option<(Pos, Pos)>,
    /// A "did you mean" suggestion, when one exists.
    pub help: Option<String>,
}

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for DeError {}

impl de::Error for DeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        DeError {
            message: msg.to_string(),
            at: None,
            help: None,
        }
    }

    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Self {
        let help = crate::suggest::did_you_mean(field, expected.iter().copied()).map_or_else(
            || format!("allowed fields here: {}", expected.join(", ")),
            |s| format!("did you mean `{s}`?"),
        );
        DeError {
            message: format!("unknown field `{field}`"),
            at: None,
            help: Some(help),
        }
    }

    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        let help = crate::suggest::did_you_mean(variant, expected.iter().copied()).map_or_else(
            || format!("expected one of: {}", expected.join(", ")),
            |s| format!("did you mean `{s}`?"),
        );
        DeError {
            message: format!("unknown value `{variant}`"),
            at: None,
            help: Some(help),
        }
    }

    fn missing_field(field: &'static str) -> Self {
        DeError {
            message: format!("missing field `{field}`"),
            at: None,
            help: Some(format!("add `{field}:` here")),
        }
    }
}

impl DeError {
    fn locate(mut self, node: &Node) -> Self {
        if self.at.is_none() {
            self.at = Some((node.start, node.end));
        }
        self
    }
}

/// Name of the newtype struct through which [`Located`] asks for its node's position.
const LOCATED_TOKEN: &str = "$genai_registry::Located";

/// A value together with the location of the YAML node it was read from.
#[derive(Clone, Default)]
pub struct Located<T> {
    /// The value.
    pub value: T,
    /// Where it was written.
    pub loc: Location,
}

impl<T: fmt::Debug> fmt::Debug for Located<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.value.fmt(f)
    }
}

impl<T> std::ops::Deref for Located<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T: schemars::JsonSchema> schemars::JsonSchema for Located<T> {
    fn schema_name() -> Cow<'static, str> {
        T::schema_name()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        T::json_schema(generator)
    }
    fn inline_schema() -> bool {
        T::inline_schema()
    }
}

thread_local! {
    static CURRENT_FILE: std::cell::RefCell<Option<Arc<SourceFile>>> = const { std::cell::RefCell::new(None) };
}

impl<'de, T: de::Deserialize<'de>> de::Deserialize<'de> for Located<T> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: de::Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Located<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a value")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let span: (u32, u32, u32, u32) = seq
                    .next_element()?
                    .ok_or_else(|| de::Error::custom("missing location"))?;
                let value: T = seq
                    .next_element()?
                    .ok_or_else(|| de::Error::custom("missing value"))?;
                let loc = CURRENT_FILE.with(|f| match f.borrow().clone() {
                    Some(file) => Location::new(
                        file,
                        Pos {
                            line: span.0,
                            col: span.1,
                        },
                        Pos {
                            line: span.2,
                            col: span.3,
                        },
                    ),
                    None => Location::default(),
                });
                Ok(Located { value, loc })
            }
            fn visit_newtype_struct<D: de::Deserializer<'de>>(
                self,
                d: D,
            ) -> Result<Self::Value, D::Error> {
                Ok(Located {
                    value: T::deserialize(d)?,
                    loc: Location::default(),
                })
            }
        }
        d.deserialize_newtype_struct(LOCATED_TOKEN, V(std::marker::PhantomData))
    }
}

/// Deserializes `T` from a node of `file`, with every error located.
pub fn from_node<T: de::DeserializeOwned>(
    node: &Node,
    file: &Arc<SourceFile>,
) -> Result<T, DeError> {
    CURRENT_FILE.with(|f| *f.borrow_mut() = Some(file.clone()));
    let out = T::deserialize(node);
    CURRENT_FILE.with(|f| *f.borrow_mut() = None);
    out
}

impl<'de> IntoDeserializer<'de, DeError> for &'de Node {
    type Deserializer = Self;
    fn into_deserializer(self) -> Self {
        self
    }
}

impl<'de> de::Deserializer<'de> for &'de Node {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let r = match &self.kind {
            NodeKind::Scalar { text, plain } => {
                if *plain {
                    match plain_scalar(text) {
                        serde_json::Value::Null => visitor.visit_unit(),
                        serde_json::Value::Bool(b) => visitor.visit_bool(b),
                        serde_json::Value::Number(n) => {
                            if let Some(i) = n.as_i64() {
                                visitor.visit_i64(i)
                            } else if let Some(u) = n.as_u64() {
                                visitor.visit_u64(u)
                            } else {
                                visitor.visit_f64(n.as_f64().unwrap_or(0.0))
                            }
                        }
                        _ => visitor.visit_borrowed_str(text),
                    }
                } else {
                    visitor.visit_borrowed_str(text)
                }
            }
            NodeKind::Seq(items) => visitor.visit_seq(Seq {
                iter: items.iter(),
                parent: self,
            }),
            NodeKind::Map(entries) => visitor.visit_map(Map {
                iter: entries.iter(),
                value: None,
            }),
        };
        r.map_err(|e: DeError| e.locate(self))
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match &self.kind {
            NodeKind::Scalar { text, plain } if !(*plain && text.is_empty()) => visitor
                .visit_borrowed_str(text)
                .map_err(|e: DeError| e.locate(self)),
            _ => Err(
                DeError::custom(format!("expected a string, found {}", self.describe()))
                    .locate(self),
            ),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match &self.kind {
            NodeKind::Scalar { text, plain: true } if plain_scalar(text).is_null() => {
                visitor.visit_none()
            }
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        if name == LOCATED_TOKEN {
            let span = (self.start.line, self.start.col, self.end.line, self.end.col);
            let r = visitor.visit_seq(LocatedSeq {
                span: Some(span),
                node: Some(self),
            });
            return r.map_err(|e: DeError| e.locate(self));
        }
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match &self.kind {
            NodeKind::Seq(_) => self.deserialize_any(visitor),
            _ => Err(
                DeError::custom(format!("expected a sequence, found {}", self.describe()))
                    .locate(self),
            ),
        }
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match &self.kind {
            NodeKind::Map(_) => self.deserialize_any(visitor),
            _ => Err(
                DeError::custom(format!("expected a mapping, found {}", self.describe()))
                    .locate(self),
            ),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_map(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        match &self.kind {
            NodeKind::Scalar { text, .. } => visitor
                .visit_enum(text.as_str().into_deserializer())
                .map_err(|e: DeError| e.locate(self)),
            _ => Err(
                DeError::custom(format!("expected a string, found {}", self.describe()))
                    .locate(self),
            ),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match &self.kind {
            NodeKind::Scalar { text, plain: true } => match plain_scalar(text) {
                serde_json::Value::Bool(b) => {
                    visitor.visit_bool(b).map_err(|e: DeError| e.locate(self))
                }
                _ => Err(
                    DeError::custom(format!("expected `true` or `false`, found `{text}`"))
                        .locate(self),
                ),
            },
            _ => Err(DeError::custom(format!(
                "expected `true` or `false`, found {}",
                self.describe()
            ))
            .locate(self)),
        }
    }

    serde::forward_to_deserialize_any! {
        i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char
        bytes byte_buf unit unit_struct tuple tuple_struct ignored_any
    }
}

struct LocatedSeq<'de> {
    span: Option<(u32, u32, u32, u32)>,
    node: Option<&'de Node>,
}

impl<'de> SeqAccess<'de> for LocatedSeq<'de> {
    type Error = DeError;
    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DeError> {
        if let Some(span) = self.span.take() {
            return seed
                .deserialize(serde::de::value::SeqDeserializer::<_, DeError>::new(
                    [span.0, span.1, span.2, span.3].into_iter(),
                ))
                .map(Some);
        }
        match self.node.take() {
            Some(n) => seed.deserialize(n).map(Some),
            None => Ok(None),
        }
    }
}

struct Seq<'de> {
    iter: std::slice::Iter<'de, Node>,
    parent: &'de Node,
}

impl<'de> SeqAccess<'de> for Seq<'de> {
    type Error = DeError;
    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DeError> {
        let _ = self.parent;
        match self.iter.next() {
            Some(n) => seed.deserialize(n).map(Some).map_err(|e| e.locate(n)),
            None => Ok(None),
        }
    }
    fn size_hint(&self) -> Option<usize> {
        Some(self.iter.len())
    }
}

struct Map<'de> {
    iter: std::slice::Iter<'de, (Node, Node)>,
    value: Option<&'de Node>,
}

impl<'de> MapAccess<'de> for Map<'de> {
    type Error = DeError;
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        match self.iter.next() {
            Some((k, v)) => {
                self.value = Some(v);
                seed.deserialize(k).map(Some).map_err(|e| e.locate(k))
            }
            None => Ok(None),
        }
    }
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        match self.value.take() {
            Some(v) => seed.deserialize(v).map_err(|e| e.locate(v)),
            None => Err(DeError::custom("value without a key")),
        }
    }
}
