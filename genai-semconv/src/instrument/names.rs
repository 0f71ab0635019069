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
use std::sync::{LazyLock, Mutex};

/// Names joined at most (for the program's life).
pub(crate) const MAX_NAMES: usize = 4096;

/// Names a thread keeps at hand.
const LOCAL: usize = 16;

/// A name's identity: where its two parts live, and the value's length.
type Id = (usize, usize, usize);

fn id(prefix: &'static str, value: &'static str) -> Id {
    (
        prefix.as_ptr() as usize,
        value.as_ptr() as usize,
        value.len(),
    )
}

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
    let local = RECENT.with(|r| {
        let r = r.borrow();
        r.iter().find(|(k, _)| *k == key).map(|(_, n)| *n)
    });
    if local.is_some() {
        return local;
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
            None => return None,
        }
    };
    RECENT.with(|r| {
        let mut r = r.borrow_mut();
        if r.len() == LOCAL {
            r.remove(0);
        }
        r.push((key, name));
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
