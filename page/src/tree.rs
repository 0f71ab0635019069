//! Tree order of a trace's spans, for the waterfall.

use std::collections::HashMap;

use genai_validator::telemetry::SpanId;

/// One span's place: its index in the input, its depth, and why it is a root although it has
/// a parent (parent not received, or a parent cycle).
pub(crate) struct Place {
    pub index: usize,
    pub depth: usize,
    pub note: Option<&'static str>,
}

/// Pre-order of `spans` (`(id, parent)`), children in input order; every span exactly once.
pub(crate) fn order(spans: &[(SpanId, Option<SpanId>)]) -> Vec<Place> {
    let mut by_id: HashMap<SpanId, usize> = HashMap::with_capacity(spans.len());
    for (i, (id, _)) in spans.iter().enumerate() {
        by_id.entry(*id).or_insert(i);
    }
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); spans.len()];
    let mut roots: Vec<(usize, Option<&'static str>)> = Vec::new();
    for (i, (id, parent)) in spans.iter().enumerate() {
        match parent {
            None => roots.push((i, None)),
            Some(p) if p == id => roots.push((i, Some("span is its own parent"))),
            Some(p) => match by_id.get(p) {
                Some(&pi) if pi != i => children[pi].push(i),
                _ => roots.push((i, Some("parent not received"))),
            },
        }
    }
    let mut out = Vec::with_capacity(spans.len());
    let mut visited = vec![false; spans.len()];
    for (i, note) in roots {
        walk(i, note, &children, &mut visited, &mut out);
    }
    // Spans in a parent cycle are reachable from no root: shown from the first of them.
    for i in 0..spans.len() {
        if !visited[i] {
            walk(
                i,
                Some("parent chain is a cycle"),
                &children,
                &mut visited,
                &mut out,
            );
        }
    }
    out
}

fn walk(
    start: usize,
    note: Option<&'static str>,
    children: &[Vec<usize>],
    visited: &mut [bool],
    out: &mut Vec<Place>,
) {
    let mut stack = vec![(start, 0usize, note)];
    while let Some((i, depth, note)) = stack.pop() {
        if std::mem::replace(&mut visited[i], true) {
            continue;
        }
        out.push(Place {
            index: i,
            depth,
            note,
        });
        stack.extend(children[i].iter().rev().map(|&c| (c, depth + 1, None)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u64) -> SpanId {
        SpanId::from(n)
    }

    #[test]
    fn children_follow_parents_and_nothing_is_lost() {
        let spans = [
            (id(2), Some(id(1))),
            (id(1), None),
            (id(3), Some(id(9))),
            (id(4), Some(id(5))),
            (id(5), Some(id(4))),
        ];
        let o: Vec<(usize, usize)> = order(&spans).iter().map(|p| (p.index, p.depth)).collect();
        assert_eq!(o, vec![(1, 0), (0, 1), (2, 0), (3, 0), (4, 1)]);
    }
}
