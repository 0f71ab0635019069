//! One module per subcommand.

pub mod check;
pub mod demo;
pub mod diff;
pub mod generate;
pub mod insights;
pub mod live_check;
pub mod resolve;
pub mod schema;
pub mod validate;
