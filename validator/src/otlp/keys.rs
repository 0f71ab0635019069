//! Attribute keys as decoders make them: a key seen before on this thread is the same
//! `&'static str` again, so a span's keys need no allocation of their own and nothing to
//! free (the keys of GenAI telemetry are a few dozen, repeated on every span).
//!
//! Bounded: at most [`MAX_KEYS`] keys of at most [`MAX_KEY_LEN`] bytes are ever kept, for the
//! whole process (about 512 KiB); past that, or for a longer key, a key is an owned string, as
//! it would be without this.

use std::cell::RefCell;
use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::telemetry::Key;

/// Keys kept, at most, over every thread.
pub(crate) const MAX_KEYS: usize = 4096;

/// Longest key kept.
pub(crate) const MAX_KEY_LEN: usize = 128;

/// Keys that may still be kept.
static LEFT: AtomicUsize = AtomicUsize::new(MAX_KEYS);

thread_local! {
    static KEPT: RefCell<HashSet<&'static str, foldhash::fast::FixedState>> =
        RefCell::new(HashSet::with_hasher(foldhash::fast::FixedState::default()));
}

/// The key `text`: the kept one when there is one (or room for one), else an owned copy.
pub(crate) fn key(text: &str) -> Key {
    kept(text).map_or_else(|| Key::from(text.to_owned()), Key::from_static_str)
}

/// [`key`], taking `text` when it is not kept (no copy made).
pub(crate) fn key_from(text: String) -> Key {
    kept(&text).map_or_else(|| Key::from(text), Key::from_static_str)
}

fn kept(text: &str) -> Option<&'static str> {
    if text.len() > MAX_KEY_LEN {
        return None;
    }
    KEPT.try_with(|kept| {
        let mut kept = kept.try_borrow_mut().ok()?;
        if let Some(k) = kept.get(text) {
            return Some(*k);
        }
        LEFT.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1))
            .ok()?;
        let k: &'static str = Box::leak(text.into());
        kept.insert(k);
        Some(k)
    })
    .ok()
    .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_seen_again_is_the_same_text() {
        let a = key("gen_ai.operation.name");
        let b = key_from("gen_ai.operation.name".to_string());
        assert_eq!(a.as_str(), "gen_ai.operation.name");
        assert_eq!(a, b);
        assert_eq!(a.as_str().as_ptr(), b.as_str().as_ptr());
        let long = "k".repeat(MAX_KEY_LEN + 1);
        assert_eq!(key(&long).as_str(), long);
    }
}
