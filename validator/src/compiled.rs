//! Lookup structures built once per registry, so that checking a span does no registry scan:
//! one hash lookup per attribute key, then plain indexing. Registry text that findings quote
//! (keys, definition ids, messages) is interned ([`crate::text`]), so findings copy a
//! `&'static str` instead of counting references.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;

use genai_registry::facts::{OPERATION_NAME as OPERATION, PROVIDER_NAME as PROVIDER};
use genai_registry::{
    AttributeType, Discriminator, Group, Instrument, NamePart, NamePattern, PrimitiveType,
    RequirementLevel, ResolvedRegistry,
};

use crate::content::ContentKind;
use crate::insights::SlotOf;
use crate::telemetry::SpanKind;
use crate::text::Interner;

/// A hash for short, trusted keys (attribute keys, operation names, ids): eight bytes per
/// step with a folded multiply. SipHash, or a byte-at-a-time hash, would dominate the cost of
/// resolving a span's keys.
#[derive(Default)]
pub(crate) struct KeyHasher(u64);

const SEED: u64 = 0x243f_6a88_85a3_08d3;
const MUL: u64 = 0x9e37_79b9_7f4a_7c15;

#[inline(always)]
fn fold(a: u64, b: u64) -> u64 {
    let full = u128::from(a) * u128::from(b);
    (full as u64) ^ ((full >> 64) as u64)
}

impl Hasher for KeyHasher {
    #[inline]
    fn finish(&self) -> u64 {
        fold(self.0 ^ SEED, MUL)
    }
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        self.0 = hash_bytes(self.0, bytes);
    }
    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.0 = self.0.rotate_left(8) ^ u64::from(i);
    }
    #[inline]
    fn write_u32(&mut self, i: u32) {
        self.0 = fold(self.0 ^ u64::from(i), MUL);
    }
}

#[inline(always)]
fn read8(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().expect("8 bytes"))
}

#[inline(always)]
fn read4(b: &[u8], at: usize) -> u64 {
    u64::from(u32::from_le_bytes(
        b[at..at + 4].try_into().expect("4 bytes"),
    ))
}

/// Eight bytes per step; the tail is read as one (overlapping) word, never copied.
#[inline]
fn hash_bytes(seed: u64, b: &[u8]) -> u64 {
    let n = b.len();
    let mut h = seed ^ (n as u64).wrapping_mul(MUL);
    if n > 8 {
        let mut i = 0;
        while i + 8 < n {
            h = fold(h ^ read8(b, i), MUL);
            i += 8;
        }
        h = fold(h ^ read8(b, n - 8), SEED)
    } else if n >= 4 {
        h = fold(h ^ (read4(b, 0) | (read4(b, n - 4) << 32)), MUL);
    } else if n > 0 {
        let w = u64::from(b[0]) | (u64::from(b[n / 2]) << 8) | (u64::from(b[n - 1]) << 16);
        h = fold(h ^ w, MUL);
    }
    h
}

/// String equality without a call to `memcmp`, for short keys and names (the insights'
/// roll-up keys too): word compares inline, where a call to the C library's `memcmp` costs far
/// more in time than its instruction count shows.
#[inline]
pub(crate) fn same(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    if n < 8 {
        return if n >= 4 {
            read4(a, 0) == read4(b, 0) && read4(a, n - 4) == read4(b, n - 4)
        } else {
            a.iter().zip(b).all(|(x, y)| x == y)
        };
    }
    let mut i = 0;
    while i + 8 < n {
        if read8(a, i) != read8(b, i) {
            return false;
        }
        i += 8;
    }
    read8(a, n - 8) == read8(b, n - 8)
}

/// [`same`] for `str`.
#[inline]
pub(crate) fn same_str(a: &str, b: &str) -> bool {
    same(a.as_bytes(), b.as_bytes())
}

/// A key's full hash, the key, its attribute.
type Slot = (u64, &'static str, AttrId);

/// The attribute keys of a registry: open addressing over interned keys, each slot holding
/// the full hash, so a lookup is one hash, usually one probe and one inline comparison.
pub(crate) struct KeyTable {
    slots: Box<[Option<Slot>]>,
    mask: usize,
}

impl KeyTable {
    fn new(keys: impl ExactSizeIterator<Item = (&'static str, AttrId)>) -> Self {
        let cap = (keys.len() * 2).next_power_of_two().max(16);
        let mut t = KeyTable {
            slots: vec![None; cap].into_boxed_slice(),
            mask: cap - 1,
        };
        for (key, id) in keys {
            let h = hash_bytes(SEED, key.as_bytes());
            let mut i = h as usize & t.mask;
            loop {
                match &mut t.slots[i] {
                    // A repeated key: the last one wins, as with `HashMap::insert`.
                    Some((sh, k, old)) if *sh == h && *k == key => {
                        *old = id;
                        break;
                    }
                    Some(_) => i = (i + 1) & t.mask,
                    slot @ None => {
                        *slot = Some((h, key, id));
                        break;
                    }
                }
            }
        }
        t
    }

    /// The id of `key`, exactly.
    #[inline]
    pub(crate) fn get(&self, key: &str) -> Option<&AttrId> {
        let h = hash_bytes(SEED, key.as_bytes());
        let mut i = h as usize & self.mask;
        loop {
            match &self.slots[i] {
                None => return None,
                Some((sh, k, id)) if *sh == h && same(k.as_bytes(), key.as_bytes()) => {
                    return Some(id);
                }
                Some(_) => i = (i + 1) & self.mask,
            }
        }
    }
}

/// A hash map keyed by strings, with [`KeyHasher`].
pub(crate) type FastMap<V> = HashMap<Box<str>, V, BuildHasherDefault<KeyHasher>>;
/// A hash map keyed by definition ids, with [`KeyHasher`].
pub(crate) type IdMap<V> = HashMap<DefId, V, BuildHasherDefault<KeyHasher>>;

/// Index of an attribute in [`Compiled::attrs`].
pub(crate) type AttrId = u32;
/// Index of a definition in [`Compiled::defs`].
pub(crate) type DefId = u32;

/// Enum members of an attribute.
pub(crate) struct EnumInfo {
    /// String members: value and deprecation message.
    pub strings: Vec<(Box<str>, Option<&'static str>)>,
    /// Integer members.
    pub ints: Vec<i64>,
    /// Whether values outside the members are allowed.
    pub open: bool,
    /// Members, listed for messages.
    pub listing: Arc<str>,
}

/// An attribute definition, ready for checks.
pub(crate) struct AttrInfo {
    pub key: &'static str,
    pub ty: PrimitiveType,
    pub enum_info: Option<EnumInfo>,
    /// Deprecation message (with the replacement), when deprecated.
    pub deprecated: Option<&'static str>,
    /// Structured message content (type `any` or an annotated JSON Schema).
    pub content: Option<ContentKind>,
    /// Type-mismatch message prefix: "expected type `int`".
    pub expected: Arc<str>,
}

/// When a conditionally required attribute is required (or a recommended one applies), as
/// far as the data tells: [`genai_registry::Condition`] with attribute ids.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Condition {
    /// No condition, or prose the validator cannot decide.
    Undecidable,
    /// When the operation fails (the span status is ERROR).
    WhenError,
    /// When another attribute is present.
    WhenPresent(AttrId),
    /// When another attribute has this value (compared as text).
    WhenValue(AttrId, &'static str),
    /// For streaming requests (see [`DefInfo::streaming`]).
    Streaming,
}

/// Requirement level, reduced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Req {
    Required,
    Conditional(Condition),
    Recommended(Condition),
    OptIn,
}

/// An attribute of a definition.
pub(crate) struct DefAttr {
    pub attr: AttrId,
    /// The attribute's key (kept here so a missing-attribute check stays on this list).
    pub key: &'static str,
    pub req: Req,
    /// The message reported when missing (precomputed).
    pub missing: &'static str,
}

/// One piece of a span name pattern.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Segment {
    /// Literal text.
    Literal(Box<str>),
    /// The value of an attribute.
    Attr(AttrId),
    /// A placeholder that is not an attribute (`{target}`): any non-empty text.
    Any,
}

/// A span definition, metric or event, ready for checks.
pub(crate) struct DefInfo {
    pub id: &'static str,
    /// Kinds a span of this definition may have (declared kind first).
    pub kinds: Vec<SpanKind>,
    /// Attributes sorted by [`AttrId`].
    pub attrs: Vec<DefAttr>,
    /// Bitset over [`AttrId`] of the opt-in attributes.
    pub opt_in: Box<[u64]>,
    /// Alternatives of the span name.
    pub names: Vec<Vec<Segment>>,
    /// The name patterns as written, for messages.
    pub names_text: Arc<str>,
    pub instrument: Option<Instrument>,
    pub unit: Option<Arc<str>>,
    pub buckets: Option<Vec<f64>>,
    /// Required fields of an event body.
    pub body_fields: Vec<Box<str>>,
    /// The attributes this definition conditions on streaming: any of them present (a boolean
    /// one, true) makes the request a streaming one.
    pub streaming: Vec<AttrId>,
}

impl DefInfo {
    /// Whether `attr` is opt-in on this definition.
    #[inline]
    pub(crate) fn is_opt_in(&self, attr: AttrId) -> bool {
        self.opt_in
            .get((attr / 64) as usize)
            .is_some_and(|w| w & (1 << (attr % 64)) != 0)
    }
}

/// How spans are matched to definitions.
#[derive(Default)]
pub(crate) struct SpanTable {
    /// Operation name -> base definitions (several kinds).
    pub by_operation: FastMap<Vec<DefId>>,
    /// Definitions keyed on the operation name that claim no particular value: they take every
    /// operation no other definition claims (the inference span).
    pub catch_all: Vec<DefId>,
    /// Other discriminating attributes (`mcp.method.name`) -> definitions.
    pub by_attribute: Vec<(AttrId, Vec<DefId>)>,
    /// Base definition -> (provider name, refinement).
    pub refinements: IdMap<Vec<(Box<str>, DefId)>>,
}

/// Everything precomputed from a registry.
pub(crate) struct Compiled {
    pub attrs: Vec<AttrInfo>,
    pub keys: KeyTable,
    /// Template attributes by prefix key.
    pub templates: FastMap<AttrId>,
    /// Namespaces the registry defines keys under (`gen_ai`, `mcp`, `aws.bedrock`, ...).
    pub namespaces: Vec<Box<str>>,
    pub defs: Vec<DefInfo>,
    pub spans: SpanTable,
    pub metrics: FastMap<DefId>,
    pub metric_refinements: IdMap<Vec<(Box<str>, DefId)>>,
    pub events: FastMap<DefId>,
    pub operation: Option<AttrId>,
    pub provider: Option<AttrId>,
    /// What each attribute is to insights (by [`AttrId`]), so a session that validates and
    /// analyses reads each key once.
    pub insight_slots: Vec<SlotOf>,
}

impl Compiled {
    pub(crate) fn new(registry: &ResolvedRegistry) -> Self {
        let mut interner = Interner::lock();
        let mut attrs = Vec::with_capacity(registry.attributes.len());
        let mut templates = FastMap::default();
        let mut insight_slots = Vec::with_capacity(registry.attributes.len());
        for (i, a) in registry.attributes.iter().enumerate() {
            let id = i as AttrId;
            let template = matches!(a.ty, AttributeType::Template(_));
            if template {
                templates.insert(a.key.as_str().into(), id);
            }
            insight_slots.push(SlotOf::attribute(a.key.as_str(), template));
            attrs.push(attr_info(a, &mut interner));
        }
        let keys = KeyTable::new(
            attrs
                .iter()
                .enumerate()
                .map(|(i, a): (usize, &AttrInfo)| (a.key, i as AttrId)),
        );
        let namespaces = namespaces(registry);
        let mut c = Compiled {
            attrs,
            operation: keys.get(OPERATION).copied(),
            provider: keys.get(PROVIDER).copied(),
            keys,
            templates,
            namespaces,
            defs: Vec::new(),
            spans: SpanTable::default(),
            metrics: FastMap::default(),
            metric_refinements: IdMap::default(),
            events: FastMap::default(),
            insight_slots,
        };
        c.build_spans(registry, &mut interner);
        c.build_metrics(registry, &mut interner);
        c.build_events(registry, &mut interner);
        c
    }

    /// The attribute a key belongs to (exact, or a template prefix).
    #[inline]
    pub(crate) fn attr_id(&self, key: &str) -> Option<AttrId> {
        if let Some(id) = self.keys.get(key) {
            return Some(*id);
        }
        if self.templates.is_empty() {
            return None;
        }
        let mut prefix = key;
        while let Some((head, _)) = prefix.rsplit_once('.') {
            if let Some(id) = self.templates.get(head) {
                return Some(*id);
            }
            prefix = head;
        }
        None
    }

    /// The registry namespace `key` falls under, if any.
    pub(crate) fn namespace_of(&self, key: &str) -> Option<&str> {
        self.namespaces
            .iter()
            .find(|ns| {
                key.strip_prefix(&***ns)
                    .is_some_and(|rest| rest.starts_with('.'))
            })
            .map(|ns| &**ns)
    }

    fn def_info(&self, g: &Group, i: &mut Interner) -> DefInfo {
        let span = g.as_span();
        let metric = g.as_metric();
        let kinds = span
            .map(|s| s.facts.kinds.iter().copied().map(span_kind).collect())
            .unwrap_or_default();
        let mut attrs: Vec<DefAttr> = g
            .attributes
            .iter()
            .filter_map(|ga| {
                let attr = *self.keys.get(ga.key.as_str())?;
                let req = self.req(ga, i);
                let missing = i.intern(&missing_message(&ga.key, &ga.requirement_level, &g.id));
                Some(DefAttr {
                    attr,
                    key: self.attrs[attr as usize].key,
                    req,
                    missing,
                })
            })
            .collect();
        attrs.sort_by_key(|a| a.attr);
        let mut opt_in = vec![0u64; self.attrs.len().div_ceil(64)].into_boxed_slice();
        for a in attrs.iter().filter(|a| a.req == Req::OptIn) {
            opt_in[(a.attr / 64) as usize] |= 1 << (a.attr % 64);
        }
        let (names, names_text) = match span.and_then(|s| s.facts.name.as_ref()) {
            Some(t) => (
                t.alternatives.iter().map(|p| self.segments(p)).collect(),
                Arc::from(t.describe()),
            ),
            None => (Vec::new(), Arc::from("")),
        };
        let streaming = attrs
            .iter()
            .filter(|a| {
                matches!(
                    a.req,
                    Req::Conditional(Condition::Streaming) | Req::Recommended(Condition::Streaming)
                )
            })
            .map(|a| a.attr)
            .collect();
        DefInfo {
            id: i.intern(&g.id),
            kinds,
            streaming,
            attrs,
            opt_in,
            names,
            names_text,
            instrument: metric.and_then(|m| m.instrument),
            unit: metric.and_then(|m| m.unit.as_deref()).map(Arc::from),
            buckets: metric.and_then(|m| m.bucket_boundaries.clone()),
            body_fields: g
                .as_event()
                .map(|e| {
                    e.required_body_fields()
                        .into_iter()
                        .map(Box::from)
                        .collect()
                })
                .unwrap_or_default(),
        }
    }

    fn req(&self, ga: &genai_registry::GroupAttribute, i: &mut Interner) -> Req {
        use genai_registry::Condition as C;
        let condition = match &ga.condition {
            Some(C::OnError) => Condition::WhenError,
            Some(C::WhenPresent(k)) => self
                .keys
                .get(k)
                .map_or(Condition::Undecidable, |id| Condition::WhenPresent(*id)),
            Some(C::WhenValue { key, value }) => {
                self.keys.get(key).map_or(Condition::Undecidable, |id| {
                    Condition::WhenValue(*id, i.intern(value))
                })
            }
            Some(C::Streaming) => Condition::Streaming,
            Some(C::Prose) | None => Condition::Undecidable,
        };
        match &ga.requirement_level {
            RequirementLevel::Required => Req::Required,
            RequirementLevel::Recommended(_) => Req::Recommended(condition),
            RequirementLevel::OptIn(_) => Req::OptIn,
            RequirementLevel::ConditionallyRequired(_) => Req::Conditional(condition),
        }
    }

    fn segments(&self, pattern: &NamePattern) -> Vec<Segment> {
        pattern
            .parts
            .iter()
            .map(|p| match p {
                NamePart::Literal(l) => Segment::Literal(l.as_str().into()),
                NamePart::Attribute(k) => match self.keys.get(k) {
                    Some(id) => Segment::Attr(*id),
                    None => Segment::Any,
                },
                NamePart::Placeholder(_) => Segment::Any,
            })
            .collect()
    }

    fn build_spans(&mut self, registry: &ResolvedRegistry, interner: &mut Interner) {
        let mut base_ids: HashMap<&str, DefId> = HashMap::new();
        let groups: Vec<&Group> = registry.spans().collect();
        for g in groups.iter().filter(|g| g.specializes.is_none()) {
            let Some(span) = g.as_span() else {
                continue;
            };
            let id = self.defs.len() as DefId;
            let info = self.def_info(g, interner);
            self.defs.push(info);
            base_ids.insert(g.id.as_str(), id);
            let facts = &span.facts;
            match &facts.discriminator {
                Some(Discriminator::OperationName) => {
                    if facts.operations.is_empty() {
                        self.spans.catch_all.push(id);
                    }
                    for op in &facts.operations {
                        self.spans
                            .by_operation
                            .entry(op.as_str().into())
                            .or_default()
                            .push(id);
                    }
                }
                Some(Discriminator::Attribute(key)) => {
                    let Some(d) = self.keys.get(key).copied() else {
                        continue;
                    };
                    match self.spans.by_attribute.iter_mut().find(|(a, _)| *a == d) {
                        Some((_, list)) => list.push(id),
                        None => self.spans.by_attribute.push((d, vec![id])),
                    }
                }
                None => {}
            }
        }
        for g in groups.iter().filter(|g| g.specializes.is_some()) {
            let Some(base) = g
                .specializes
                .as_deref()
                .and_then(|b| base_ids.get(b).copied())
            else {
                continue;
            };
            let Some(provider) = g.provider.as_deref() else {
                continue;
            };
            let id = self.defs.len() as DefId;
            let info = self.def_info(g, interner);
            self.defs.push(info);
            self.spans
                .refinements
                .entry(base)
                .or_default()
                .push((provider.into(), id));
        }
    }

    fn build_metrics(&mut self, registry: &ResolvedRegistry, interner: &mut Interner) {
        let mut by_group: HashMap<&str, DefId> = HashMap::new();
        let metrics: Vec<&Group> = registry.metrics().collect();
        for g in metrics.iter().filter(|g| g.specializes.is_none()) {
            let id = self.defs.len() as DefId;
            let info = self.def_info(g, interner);
            self.defs.push(info);
            by_group.insert(g.id.as_str(), id);
            if let Some(name) = g.as_metric().and_then(|m| m.name.as_deref()) {
                self.metrics.insert(name.into(), id);
            }
        }
        for g in metrics.iter().filter(|g| g.specializes.is_some()) {
            let Some(base) = g
                .specializes
                .as_deref()
                .and_then(|b| by_group.get(b).copied())
            else {
                continue;
            };
            let Some(provider) = g.provider.as_deref() else {
                continue;
            };
            let id = self.defs.len() as DefId;
            let info = self.def_info(g, interner);
            self.defs.push(info);
            self.metric_refinements
                .entry(base)
                .or_default()
                .push((provider.into(), id));
        }
    }

    fn build_events(&mut self, registry: &ResolvedRegistry, interner: &mut Interner) {
        let events: Vec<&Group> = registry.events().collect();
        for g in events {
            let Some(name) = g.as_event().and_then(|e| e.name.clone()) else {
                continue;
            };
            let id = self.defs.len() as DefId;
            let info = self.def_info(g, interner);
            self.defs.push(info);
            self.events.insert(name.into_boxed_str(), id);
        }
    }
}

fn span_kind(k: genai_registry::SpanKind) -> SpanKind {
    match k {
        genai_registry::SpanKind::Client => SpanKind::Client,
        genai_registry::SpanKind::Server => SpanKind::Server,
        genai_registry::SpanKind::Producer => SpanKind::Producer,
        genai_registry::SpanKind::Consumer => SpanKind::Consumer,
        genai_registry::SpanKind::Internal => SpanKind::Internal,
    }
}

fn attr_info(a: &genai_registry::Attribute, i: &mut Interner) -> AttrInfo {
    let ty = a.value_type();
    let enum_info = match &a.ty {
        AttributeType::Enum {
            members,
            allow_custom_values,
        } => {
            let strings = members
                .iter()
                .filter_map(|m| {
                    let v = m.value.as_str()?;
                    let dep = m.deprecated.as_ref().map(|d| {
                        i.intern(&match d.renamed_to() {
                            Some(r) => format!(
                                "value `{v}` of `{}` is deprecated: use `{r}` instead",
                                a.key
                            ),
                            None => format!(
                                "value `{v}` of `{}` is deprecated{}",
                                a.key,
                                d.note()
                                    .map(|n| format!(": {}", n.trim()))
                                    .unwrap_or_default()
                            ),
                        })
                    });
                    Some((Box::from(v), dep))
                })
                .collect();
            let ints = members.iter().filter_map(|m| m.value.as_i64()).collect();
            let listing = members
                .iter()
                .map(|m| match m.value.as_str() {
                    Some(s) => format!("`{s}`"),
                    None => format!("`{}`", m.value),
                })
                .collect::<Vec<_>>()
                .join(", ");
            Some(EnumInfo {
                strings,
                ints,
                open: *allow_custom_values != Some(false),
                listing: Arc::from(listing),
            })
        }
        _ => None,
    };
    let deprecated = a.deprecated.as_ref().map(|d| {
        i.intern(&match d.renamed_to() {
            Some(r) => format!("`{}` is deprecated: use `{r}` instead", a.key),
            None => format!(
                "`{}` is deprecated{}",
                a.key,
                d.note()
                    .map(|n| format!(": {}", n.trim()))
                    .unwrap_or_default()
            ),
        })
    });
    let schema = a
        .annotations
        .as_ref()
        .and_then(|v| v.pointer("/type/json_schema"))
        .and_then(|v| v.as_str());
    let content = match schema {
        Some(path) => Some(ContentKind::from_schema_path(path)),
        None if ty == PrimitiveType::Any => Some(ContentKind::Any),
        None => None,
    };
    AttrInfo {
        key: i.intern(&a.key),
        ty,
        enum_info,
        deprecated,
        content,
        expected: Arc::from(ty.as_str()),
    }
}

fn missing_message(key: &str, level: &RequirementLevel, def: &str) -> String {
    match level {
        RequirementLevel::Required => {
            format!("required attribute `{key}` is not present (required by `{def}`)")
        }
        RequirementLevel::ConditionallyRequired(c) => format!(
            "conditionally required attribute `{key}` is not present; required by `{def}` when: {}",
            c.trim()
        ),
        RequirementLevel::Recommended(Some(c)) => format!(
            "recommended attribute `{key}` is not present (`{def}` recommends it: {})",
            c.trim()
        ),
        RequirementLevel::Recommended(None) => {
            format!("recommended attribute `{key}` is not present (`{def}` recommends it)")
        }
        RequirementLevel::OptIn(_) => format!("opt-in attribute `{key}`"),
    }
}

/// Namespaces: for each first key segment, the longest dotted prefix shared by every key that
/// starts with it (`gen_ai`, `aws.bedrock`, `azure.resource_provider`).
fn namespaces(registry: &ResolvedRegistry) -> Vec<Box<str>> {
    let mut by_root: HashMap<&str, Vec<&str>> = HashMap::new();
    for a in &registry.attributes {
        if let Some((root, _)) = a.key.split_once('.') {
            by_root.entry(root).or_default().push(&a.key);
        }
    }
    let mut out: Vec<Box<str>> = by_root
        .into_values()
        .map(|keys| {
            let parents: Vec<&str> = keys
                .iter()
                .map(|k| k.rsplit_once('.').map_or(*k, |(p, _)| p))
                .collect();
            let mut common: Vec<&str> = parents[0].split('.').collect();
            for p in &parents[1..] {
                let segs: Vec<&str> = p.split('.').collect();
                let n = common.iter().zip(&segs).take_while(|(a, b)| a == b).count();
                common.truncate(n);
            }
            common.join(".")
        })
        .filter(|ns| !ns.is_empty())
        .map(String::into_boxed_str)
        .collect();
    // Longest first, so `aws.bedrock` is found before a shorter sibling.
    out.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_table_finds_every_key_and_nothing_else() {
        let registry = genai_registry::embedded::load().expect("valid").registry;
        let c = Compiled::new(&registry);
        assert!(!c.attrs.is_empty());
        for (i, a) in c.attrs.iter().enumerate() {
            assert_eq!(c.keys.get(a.key), Some(&(i as AttrId)), "{}", a.key);
            let longer = format!("{}x", a.key);
            let shorter = &a.key[..a.key.len() - 1];
            for other in [longer.as_str(), shorter] {
                if let Some(id) = c.keys.get(other) {
                    assert_eq!(c.attrs[*id as usize].key, other);
                }
            }
        }
        for k in [
            "",
            "a",
            "gen_ai",
            "gen_ai.",
            "gen_ai.request.modelx",
            "x.y.z.w.v.u.t",
        ] {
            assert_eq!(
                c.keys.get(k).is_some(),
                c.attrs.iter().any(|a| a.key == k),
                "{k:?}"
            );
        }
    }
}
