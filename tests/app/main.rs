//! The integration suite: one binary, a fresh temporary database per test.

#![allow(clippy::unwrap_used)] // the test suite: a failed unwrap is a failed run

mod api;
mod audit_chain;
mod audit_checkpoint;
mod audit_page;
mod browser;
mod carriers;
mod carriers_poller;
mod cli_commands;
mod dashboard;
mod doc_store;
mod documents;
mod durability;
mod hardening;
mod hardening_data;
mod hooks;
mod import_list;
mod lookup;
mod personal_data;
mod reception;
mod routes_and_roles;
mod search;
mod sessions;
mod shipping;
mod support;
mod tracking_queues;
