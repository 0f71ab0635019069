//! The rules, applied per span, log record and metric against precomputed definitions.
//!
//! - [`attributes`]: each attribute on its own (type, enum, deprecation, content, unknown,
//!   legacy);
//! - [`requirements`]: the matched definition's required, conditionally required and
//!   recommended attributes;
//! - [`span`]: matching a span to its definition, its name and kind;
//! - [`metric`], [`event`]: metrics and events (log records).

pub(crate) mod attributes;
pub(crate) mod encoding;
pub(crate) mod event;
pub(crate) mod legacy;
pub(crate) mod metric;
pub(crate) mod requirements;
pub(crate) mod span;

use foldhash::{HashMap, HashMapExt};
use std::collections::hash_map::Entry;
use std::sync::Arc;

use crate::compiled::{AttrId, Compiled};
use crate::finding::{Finding, FindingId, Level};
use crate::insights::SpanKeys;
use crate::options::Options;
use crate::text::clip;
use attributes::short;

/// Rule context: the compiled registry, the options, and reusable scratch space.
pub(crate) struct Checker<'a> {
    pub c: &'a Compiled,
    pub o: &'a Options,
    /// Presence bitset over attribute ids, all zero between items.
    bits: Vec<u64>,
    /// Attribute ids of the current item, in attribute order.
    pub ids: Vec<Option<AttrId>>,
    /// Whether [`Checker::span`] finds, from the resolved keys, the ones insights read.
    pub want_keys: bool,
    /// Those of the last span, when wanted.
    pub keys: SpanKeys,
    /// Set by [`Checker::resolve`] when a key may occur twice (a registry key seen again, or
    /// several keys the registry does not define): [`Checker::duplicates`] then looks closer.
    maybe_duplicate: bool,
}

impl<'a> Checker<'a> {
    pub(crate) fn new(c: &'a Compiled, o: &'a Options) -> Self {
        Checker {
            c,
            o,
            bits: vec![0; c.attrs.len().div_ceil(64)],
            ids: Vec::with_capacity(32),
            want_keys: false,
            keys: SpanKeys::default(),
            maybe_duplicate: false,
        }
    }

    #[inline]
    pub(crate) fn set(&mut self, id: AttrId) {
        self.bits[(id / 64) as usize] |= 1 << (id % 64);
    }

    #[inline]
    pub(crate) fn has(&self, id: AttrId) -> bool {
        self.bits[(id / 64) as usize] & (1 << (id % 64)) != 0
    }

    /// Resolves the keys of `attrs` into [`Checker::ids`], marks them present and seen.
    pub(crate) fn resolve(&mut self, attrs: &crate::telemetry::Attributes, seen: &mut [bool]) {
        self.resolve_keyed(attrs, seen, false);
    }

    /// [`Checker::resolve`], finding on the way, when `keyed`, the keys insights read
    /// ([`Checker::keys`]) from the attributes the keys resolve to.
    #[inline]
    pub(crate) fn resolve_keyed(
        &mut self,
        attrs: &crate::telemetry::Attributes,
        seen: &mut [bool],
        keyed: bool,
    ) {
        self.ids.clear();
        if keyed {
            self.keys = SpanKeys::default();
        }
        let mut undefined = 0usize;
        let mut again = false;
        for (i, (k, v)) in attrs.iter().enumerate() {
            let id = self.c.attr_id(k.as_str());
            if let Some(id) = id {
                again |= self.has(id);
                self.set(id);
                seen[id as usize] = true;
            } else {
                undefined += 1;
            }
            if keyed {
                self.keys
                    .note(i, (k.as_str(), v), id, &self.c.insight_slots);
            }
            self.ids.push(id);
        }
        self.maybe_duplicate = again || undefined > 1;
    }

    /// `duplicate_attribute`: a key set twice with different values (once per key). Cheap
    /// unless [`Checker::resolve`] saw a possible repeat.
    pub(crate) fn duplicates(&self, attrs: &crate::telemetry::Attributes, out: &mut Vec<Finding>) {
        if !self.maybe_duplicate {
            return;
        }
        let mut first: HashMap<&str, usize> = HashMap::with_capacity(attrs.0.len());
        let mut reported: Vec<usize> = Vec::new();
        for (i, (k, v)) in attrs.0.iter().enumerate() {
            match first.entry(k.as_str()) {
                Entry::Vacant(e) => {
                    e.insert(i);
                }
                Entry::Occupied(e) => {
                    let j = *e.get();
                    if attrs.0[j].1 != *v && !reported.contains(&j) {
                        reported.push(j);
                        let key = clip(k.as_str());
                        out.push(Finding::new(
                            FindingId::DuplicateAttribute,
                            Level::Violation,
                            Some(Arc::from(&*key)),
                            format!(
                                "`{key}` is set more than once with different values ({} and {}); \
                                 which one a backend keeps is undefined, set it once",
                                short(&attrs.0[j].1),
                                short(v)
                            ),
                        ));
                    }
                }
            }
        }
    }

    /// Clears the presence bits set by [`Checker::resolve`].
    pub(crate) fn clear(&mut self) {
        for i in 0..self.ids.len() {
            if let Some(id) = self.ids[i] {
                self.bits[(id / 64) as usize] = 0;
            }
        }
    }
}
