//! One module per subcommand.

pub mod check;
pub mod resolve;
pub mod schema;
