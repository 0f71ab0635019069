//! One trace's additions to the roll-ups, gathered per (table, key) while its spans are read
//! and applied to the roll-ups once per key: a trace's spans mostly share their service,
//! agent, model and tool, so the roll-up maps are searched once per key, not once per span.

use genai_pricing::Usage;

use super::Insights;
use super::build::{entry_of, model_row};
use crate::compiled::same_str;

/// The roll-up a row adds to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Table {
    /// Per provider and model.
    Model,
    /// Per `service.name`.
    Service,
    /// Per `gen_ai.agent.name`.
    Agent,
    /// Per `gen_ai.tool.name`.
    Tool,
}

/// The counters of one row (the [`Rollup`] fields that add up). Not a whole `Rollup`: rows
/// are made per trace on the insights' hot path, and a `Rollup` (with its two distributions)
/// as a row's counters counted 66 more instructions per span in
/// `benches/instructions.sh insights`.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Delta {
    pub calls: u64,
    pub errors: u64,
    pub rate_limited: u64,
    pub llm_calls: u64,
    pub usage: Usage,
    pub cost_usd: f64,
    pub unpriced_calls: u64,
}

/// No value.
const NONE: usize = usize::MAX;

/// A row: its roll-up, its key (`provider` is empty except for models) and its counters.
#[derive(Debug)]
pub(crate) struct Row<'s> {
    pub table: Table,
    pub provider: &'s str,
    pub name: &'s str,
    pub delta: Delta,
    /// The row's last value in [`Tally::values`] (the values of a row are chained).
    last: usize,
}

/// One duration or time to first chunk, chained to the previous value of its row.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RowValue {
    value: f64,
    time_to_first_chunk: bool,
    previous: usize,
}

/// The rows of one trace and the durations and times to first chunk they add.
#[derive(Debug)]
pub(crate) struct Tally<'s> {
    rows: Vec<Row<'s>>,
    /// Per [`Table`], the row found last.
    last: [usize; 4],
    /// Every row's values (a list kept by the builder between traces).
    values: &'s mut Vec<RowValue>,
}

impl<'s> Tally<'s> {
    /// An empty tally keeping its values in `values` (cleared).
    pub fn new(values: &'s mut Vec<RowValue>) -> Self {
        values.clear();
        Tally {
            rows: Vec::with_capacity(8),
            last: [NONE; 4],
            values,
        }
    }

    /// The row of `(table, provider, name)`, added when new. The table's last row is tried
    /// first: a trace's spans mostly share their model, service, agent and tool.
    pub fn row(&mut self, table: Table, provider: &'s str, name: &'s str) -> usize {
        let is = |r: &Row<'_>| {
            r.table == table && same_str(r.name, name) && same_str(r.provider, provider)
        };
        let last = self.last[table as usize];
        if self.rows.get(last).is_some_and(is) {
            return last;
        }
        let i = match self.rows.iter().rposition(is) {
            Some(i) => i,
            None => {
                self.rows.push(Row {
                    table,
                    provider,
                    name,
                    delta: Delta::default(),
                    last: NONE,
                });
                self.rows.len() - 1
            }
        };
        self.last[table as usize] = i;
        i
    }

    /// Counts one span of row `r`: a call, failed or not, and its duration.
    pub fn call(&mut self, r: usize, failed: bool, duration: f64) {
        let d = &mut self.rows[r].delta;
        d.calls += 1;
        d.errors += u64::from(failed);
        self.push(r, false, duration);
    }

    fn push(&mut self, r: usize, time_to_first_chunk: bool, value: f64) {
        let row = &mut self.rows[r];
        self.values.push(RowValue {
            value,
            time_to_first_chunk,
            previous: row.last,
        });
        row.last = self.values.len() - 1;
    }

    /// Adds a time to first chunk to row `r`.
    pub fn time_to_first_chunk(&mut self, r: usize, seconds: f64) {
        self.push(r, true, seconds);
    }

    /// Adds a span's usage and its cost (unpriced when the cost is unknown) to row `r`.
    pub fn bill(&mut self, r: usize, usage: &Usage, cost: Option<f64>) {
        let d = &mut self.rows[r].delta;
        d.usage.add(usage);
        match cost {
            Some(c) => d.cost_usd += c,
            None => d.unpriced_calls += 1,
        }
    }

    /// The counters of row `r`.
    pub fn delta(&mut self, r: usize) -> &mut Delta {
        &mut self.rows[r].delta
    }

    /// Adds every row to its roll-up in `out` (keys over `max_keys` go to `(other)`).
    pub fn apply(self, out: &mut Insights, max_keys: usize) {
        for row in &self.rows {
            let out = match row.table {
                Table::Model => model_row(&mut out.models, row.provider, row.name, max_keys),
                Table::Service => entry_of(&mut out.services, row.name, max_keys),
                Table::Agent => entry_of(&mut out.agents, row.name, max_keys),
                Table::Tool => entry_of(&mut out.tools, row.name, max_keys),
            };
            let d = &row.delta;
            out.calls += d.calls;
            out.errors += d.errors;
            out.rate_limited += d.rate_limited;
            out.llm_calls += d.llm_calls;
            out.usage.add(&d.usage);
            out.cost_usd += d.cost_usd;
            out.unpriced_calls += d.unpriced_calls;
            // Newest first: a distribution does not depend on the order of its values.
            let mut at = row.last;
            while let Some(v) = self.values.get(at) {
                if v.time_to_first_chunk {
                    out.time_to_first_chunk.add(v.value);
                } else {
                    out.duration.add(v.value);
                }
                at = v.previous;
            }
        }
    }
}
