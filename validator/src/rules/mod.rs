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

use crate::compiled::{AttrId, Compiled};
use crate::options::Options;

/// Rule context: the compiled registry, the options, and reusable scratch space.
pub(crate) struct Checker<'a> {
    pub c: &'a Compiled,
    pub o: &'a Options,
    /// Presence bitset over attribute ids, all zero between items.
    bits: Vec<u64>,
    /// Attribute ids of the current item, in attribute order.
    pub ids: Vec<Option<AttrId>>,
}

impl<'a> Checker<'a> {
    pub(crate) fn new(c: &'a Compiled, o: &'a Options) -> Self {
        Checker {
            c,
            o,
            bits: vec![0; c.attrs.len().div_ceil(64)],
            ids: Vec::with_capacity(32),
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
        self.ids.clear();
        for (k, _) in attrs.iter() {
            let id = self.c.attr_id(k.as_str());
            if let Some(id) = id {
                self.set(id);
                seen[id as usize] = true;
            }
            self.ids.push(id);
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
