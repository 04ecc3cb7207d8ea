//! Use cases shared by web, CLI and poller.

pub mod demo_data;
