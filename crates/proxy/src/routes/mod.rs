//! The HTTP routes, one module per group, each with its own `router()`.

pub mod auth;
pub mod data;
pub mod device;
pub mod ops;
pub mod token;
