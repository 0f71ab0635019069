//! Span names made of a literal and a value that lives for the whole program (the usual
//! `execute_tool {gen_ai.tool.name}` with a literal tool name): joined once, then shared, so
//! starting such a span allocates no name.
//!
//! Each thread keeps the names it used last (no lock, no atomic on the hot path); behind them
//! one table of every name joined so far, bounded: past [`MAX_NAMES`] names, spans get their
//! name rendered as any other (each joined name is kept for the program's life, so the bound
//! is on memory that is never freed).

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{LazyLock, Mutex};

/// Names joined at most (for the program's life).
pub(crate) const MAX_NAMES: usize = 4096;

/// Names a thread keeps at hand.
const LOCAL: usize = 16;

/// A name's identity: where its two parts live, and their lengths.
type Id = (usize, usize, usize, usize);

fn id(prefix: &'static str, value: &'static str) -> Id {
    (
        prefix.as_ptr() as usize,
        prefix.len(),
        value.as_ptr() as usize,
        value.len(),
    )
}

/// Whether [`MAX_NAMES`] names are kept: then a name not at hand is rendered without taking
/// the table's lock.
static FULL: AtomicBool = AtomicBool::new(false);

static TABLE: LazyLock<Mutex<HashMap<Id, &'static str>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

thread_local! {
    static RECENT: RefCell<Vec<(Id, &'static str)>> = const { RefCell::new(Vec::new()) };
}

/// `prefix` and `value` as one name, `render` making it the first time (it must give the
/// name the template gives); `None` once [`MAX_NAMES`] names are kept.
pub(crate) fn joined(
    prefix: &'static str,
    value: &'static str,
    render: impl FnOnce() -> String,
) -> Option<&'static str> {
    let key = id(prefix, value);
    // `try_with`: a span started while the thread's storage is being torn down (from another
    // thread-local's destructor) gets its name rendered, not a panic.
    let local = RECENT
        .try_with(|r| {
            let r = r.try_borrow().ok()?;
            r.iter().find(|(k, _)| *k == key).map(|(_, n)| *n)
        })
        .ok()
        .flatten();
    if local.is_some() {
        return local;
    }
    if FULL.load(Ordering::Relaxed) {
        return None;
    }
    let name = {
        let mut table = TABLE.lock().unwrap_or_else(|p| p.into_inner());
        match table.get(&key) {
            Some(n) => *n,
            None if table.len() < MAX_NAMES => {
                let n: &'static str = Box::leak(render().into_boxed_str());
                table.insert(key, n);
                n
            }
            None => {
                FULL.store(true, Ordering::Relaxed);
                return None;
            }
        }
    };
    let _ = RECENT.try_with(|r| {
        if let Ok(mut r) = r.try_borrow_mut() {
            if r.len() == LOCAL {
                r.remove(0);
            }
            r.push((key, name));
        }
    });
    Some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_is_joined_once_and_shared() {
        let mut made = 0;
        let a = joined("execute_tool ", "search", || {
            made += 1;
            "execute_tool search".to_string()
        });
        let b = joined("execute_tool ", "search", || {
            made += 1;
            String::new()
        });
        assert_eq!(a, Some("execute_tool search"));
        assert_eq!(a.map(str::as_ptr), b.map(str::as_ptr));
        assert_eq!(made, 1);
    }
}
