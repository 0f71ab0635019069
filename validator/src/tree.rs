//! The span tree: the one place where spans of a trace are put in parent/child order.
//!
//! Every renderer (text, JSON, JUnit, the live view of `semconv live-check`, a web page) asks
//! [`SpanTree::build`] for the order and depth of a trace's spans. Nothing is dropped: a span
//! whose parent is not in the trace is an [`Link::Orphan`] root, a span that is its own parent a
//! [`Link::SelfParent`] root, and spans whose parent chain loops are shown from the first of
//! them in input order, marked [`Link::Cycle`].

use foldhash::{HashMap, HashMapExt};

use crate::telemetry::SpanId;

/// How a node hangs in the tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Link {
    /// A root span (no parent).
    Root,
    /// A child of the node above it at `depth - 1`.
    Child,
    /// Its parent is not in the trace (not received, or not yet): shown as a root.
    Orphan,
    /// Its parent is itself: shown as a root.
    SelfParent,
    /// Its parent chain is a cycle: shown as a root where the cycle was entered.
    Cycle,
}

impl Link {
    /// A short note for renderers (`None` for ordinary roots and children).
    pub fn note(self) -> Option<&'static str> {
        match self {
            Link::Root | Link::Child => None,
            Link::Orphan => Some("parent not in trace"),
            Link::SelfParent => Some("span is its own parent"),
            Link::Cycle => Some("parent chain is a cycle"),
        }
    }
}

/// One node: an index into the slice the tree was built from, its depth and link.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Node {
    /// Index of the span in the slice given to [`SpanTree::build`].
    pub index: usize,
    /// Depth (roots are 0).
    pub depth: usize,
    /// How it hangs.
    pub link: Link,
}

/// The spans of one trace in tree order (pre-order, children in input order).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SpanTree {
    /// Every span exactly once.
    pub nodes: Vec<Node>,
}

impl SpanTree {
    /// Builds the tree of `spans`, given as `(span id, parent span id)` in input order.
    ///
    /// Linear in the number of spans; every input index appears exactly once in the result.
    pub fn build(spans: &[(Option<SpanId>, Option<SpanId>)]) -> SpanTree {
        let n = spans.len();
        // First span with each id (a duplicated id keeps its first holder as the parent).
        let mut by_id: HashMap<SpanId, usize> = HashMap::with_capacity(n);
        for (i, (id, _)) in spans.iter().enumerate() {
            if let Some(id) = id {
                by_id.entry(*id).or_insert(i);
            }
        }
        let mut children: Vec<Vec<usize>> = vec![Vec::new(); n];
        let mut roots: Vec<(usize, Link)> = Vec::new();
        let mut has_parent = vec![false; n];
        for (i, (id, parent)) in spans.iter().enumerate() {
            match parent {
                None => roots.push((i, Link::Root)),
                Some(p) if Some(*p) == *id => roots.push((i, Link::SelfParent)),
                Some(p) => match by_id.get(p) {
                    Some(&pi) if pi != i => {
                        children[pi].push(i);
                        has_parent[i] = true;
                    }
                    Some(_) => roots.push((i, Link::SelfParent)),
                    None => roots.push((i, Link::Orphan)),
                },
            }
        }
        let mut nodes = Vec::with_capacity(n);
        let mut visited = vec![false; n];
        let walk = |start: usize, link: Link, nodes: &mut Vec<Node>, visited: &mut [bool]| {
            let mut stack = vec![(start, 0usize, link)];
            while let Some((i, depth, link)) = stack.pop() {
                if std::mem::replace(&mut visited[i], true) {
                    continue;
                }
                nodes.push(Node {
                    index: i,
                    depth,
                    link,
                });
                stack.extend(
                    children[i]
                        .iter()
                        .rev()
                        .map(|&c| (c, depth + 1, Link::Child)),
                );
            }
        };
        for (i, link) in roots {
            walk(i, link, &mut nodes, &mut visited);
        }
        // What is left hangs under a cycle: enter each cycle at its first span in input order.
        for i in 0..n {
            if !visited[i] && has_parent[i] {
                walk(i, Link::Cycle, &mut nodes, &mut visited);
            }
        }
        SpanTree { nodes }
    }

    /// Number of nodes.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether the tree is empty.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(list: &[(u64, Option<u64>)]) -> Vec<(Option<SpanId>, Option<SpanId>)> {
        list.iter()
            .map(|(i, p)| (Some(SpanId::from(*i)), p.map(SpanId::from)))
            .collect()
    }

    fn shape(t: &SpanTree) -> Vec<(usize, usize, Link)> {
        t.nodes.iter().map(|n| (n.index, n.depth, n.link)).collect()
    }

    #[test]
    fn children_nest_under_parents_whatever_the_order() {
        let t = SpanTree::build(&ids(&[(2, Some(1)), (1, None), (3, Some(1)), (4, Some(2))]));
        assert_eq!(
            shape(&t),
            vec![
                (1, 0, Link::Root),
                (0, 1, Link::Child),
                (3, 2, Link::Child),
                (2, 1, Link::Child)
            ]
        );
    }

    #[test]
    fn orphans_self_parents_and_cycles_are_kept() {
        let t = SpanTree::build(&ids(&[
            (1, Some(2)),
            (2, Some(1)),
            (3, Some(3)),
            (4, Some(99)),
            (5, Some(1)),
        ]));
        assert_eq!(t.len(), 5);
        let s = shape(&t);
        assert!(s.contains(&(2, 0, Link::SelfParent)));
        assert!(s.contains(&(3, 0, Link::Orphan)));
        assert_eq!(s[2], (0, 0, Link::Cycle));
        assert!(s.contains(&(1, 1, Link::Child)));
        assert!(s.contains(&(4, 1, Link::Child)));
    }

    #[test]
    fn spans_without_ids_and_duplicates_appear_once() {
        let spans = vec![
            (None, None),
            (Some(SpanId::from(1)), None),
            (Some(SpanId::from(1)), Some(SpanId::from(1))),
        ];
        let t = SpanTree::build(&spans);
        let mut seen: Vec<usize> = t.nodes.iter().map(|n| n.index).collect();
        seen.sort();
        assert_eq!(seen, vec![0, 1, 2]);
    }
}
