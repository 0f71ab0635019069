//! [`Text`]: the strings of findings and reports, cheap to copy.
//!
//! Almost every finding quotes registry text: an attribute key, a definition id, a
//! precomputed "recommended attribute `x` is not present" message. Those strings are interned
//! once per process when a [`Validator`](crate::Validator) is built (see [`intern`]), so a
//! finding refers to them with a plain `&'static str`: no allocation and no reference count
//! per finding, which matters at a million spans per second. Text built from the telemetry
//! itself (an unknown key, a message quoting a value) is shared behind an [`Arc`].

use std::borrow::{Borrow, Cow};
use std::collections::HashSet;
use std::fmt;
use std::fmt::Write as _;

use genai_registry::source::unsafe_to_show;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::sync::{Arc, Mutex};

use serde::Serialize;

/// An immutable string: static (interned registry text) or shared.
///
/// It dereferences to `str`, displays, compares, hashes and serializes as its text.
#[derive(Clone)]
pub struct Text(Repr);

#[derive(Clone)]
enum Repr {
    Static(&'static str),
    Shared(Arc<str>),
}

impl Text {
    /// Text that lives for the whole program (no reference count).
    pub const fn from_static(s: &'static str) -> Self {
        Text(Repr::Static(s))
    }

    /// Text shared behind a reference count (a copy of `s`).
    pub fn shared(s: &str) -> Self {
        Text(Repr::Shared(Arc::from(s)))
    }

    /// The address of static (interned) text: equal addresses mean equal text.
    #[inline]
    pub(crate) fn static_addr(&self) -> Option<(usize, usize)> {
        match &self.0 {
            Repr::Static(s) => Some((s.as_ptr() as usize, s.len())),
            Repr::Shared(_) => None,
        }
    }

    /// The text.
    #[inline]
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Static(s) => s,
            Repr::Shared(s) => s,
        }
    }
}

impl Deref for Text {
    type Target = str;
    #[inline]
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for Text {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl PartialEq for Text {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Text {}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialOrd for Text {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Text {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl Hash for Text {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl Serialize for Text {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl From<&'static str> for Text {
    fn from(s: &'static str) -> Self {
        Text::from_static(s)
    }
}

impl From<String> for Text {
    fn from(s: String) -> Self {
        Text(Repr::Shared(Arc::from(s)))
    }
}

impl From<Box<str>> for Text {
    fn from(s: Box<str>) -> Self {
        Text(Repr::Shared(Arc::from(s)))
    }
}

impl From<Arc<str>> for Text {
    fn from(s: Arc<str>) -> Self {
        Text(Repr::Shared(s))
    }
}

impl From<&Arc<str>> for Text {
    fn from(s: &Arc<str>) -> Self {
        Text(Repr::Shared(s.clone()))
    }
}

impl From<Text> for Arc<str> {
    fn from(t: Text) -> Self {
        match t.0 {
            Repr::Static(s) => Arc::from(s),
            Repr::Shared(s) => s,
        }
    }
}

impl From<Text> for String {
    fn from(t: Text) -> Self {
        t.as_str().to_owned()
    }
}

/// Longest telemetry string quoted whole in a message or used as a finding's attribute.
pub const MAX_SHOWN: usize = 200;

/// Telemetry text made safe to show on a terminal or in a text report: every control or
/// bidirectional-formatting character is written as its escape (`\u{1b}`), the rest as is. Text
/// without such characters is borrowed, not copied.
///
/// ```
/// assert_eq!(genai_validator::printable("chat \u{1b}[31mgpt"), "chat \\u{1b}[31mgpt");
/// assert_eq!(genai_validator::printable("chat gpt-4o"), "chat gpt-4o");
/// ```
pub fn printable(s: &str) -> Cow<'_, str> {
    let clean = if s.is_ascii() {
        !s.bytes().any(|b| b < 0x20 || b == 0x7f)
    } else {
        !s.chars().any(unsafe_to_show)
    };
    if clean {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if unsafe_to_show(c) {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Telemetry text as shown in findings and reports: [`printable`], and whole up to
/// [`MAX_SHOWN`] bytes, else its start and its length (a 15 MiB key must not become a 15 MiB
/// message).
///
/// ```
/// let long = "k".repeat(1000);
/// assert!(genai_validator::clip(&long).ends_with("… (1000 bytes)"));
/// ```
pub fn clip(s: &str) -> Cow<'_, str> {
    if s.len() <= MAX_SHOWN {
        return printable(s);
    }
    let mut end = MAX_SHOWN;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    Cow::Owned(format!("{}… ({} bytes)", printable(&s[..end]), s.len()))
}

/// Every string interned so far. Registry text only (keys, definition ids, messages built
/// from them), never telemetry data, so it is bounded by the registries a process loads;
/// building a second validator for the same registry adds nothing.
static INTERNED: Mutex<Option<HashSet<&'static str>>> = Mutex::new(None);

/// Interns registry strings: each distinct string is stored once for the whole program.
pub(crate) struct Interner<'a> {
    set: std::sync::MutexGuard<'a, Option<HashSet<&'static str>>>,
}

impl Interner<'static> {
    /// Locks the process-wide table (hold it while compiling one registry).
    pub(crate) fn lock() -> Self {
        Interner {
            set: INTERNED.lock().unwrap_or_else(|e| e.into_inner()),
        }
    }
}

impl Interner<'_> {
    /// The interned copy of `s`.
    pub(crate) fn intern(&mut self, s: &str) -> &'static str {
        let set = self.set.get_or_insert_with(HashSet::new);
        if let Some(found) = set.get(s) {
            return found;
        }
        let leaked: &'static str = Box::leak(Box::from(s));
        set.insert(leaked);
        leaked
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interning_dedupes_and_text_behaves_like_str() {
        let mut i = Interner::lock();
        let a = i.intern(&String::from("gen_ai.request.model"));
        let b = i.intern("gen_ai.request.model");
        drop(i);
        assert!(std::ptr::eq(a, b));
        let s = Text::from_static(a);
        let d = Text::from(String::from("gen_ai.request.model"));
        assert_eq!(s, d);
        assert_eq!(format!("{s:?}"), format!("{:?}", "gen_ai.request.model"));
        assert_eq!(
            serde_json::to_string(&d).unwrap(),
            "\"gen_ai.request.model\""
        );
        assert_eq!(Some(&s).map(|t| &**t), Some("gen_ai.request.model"));
    }
}
