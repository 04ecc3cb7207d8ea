//! The integration suite: one binary, a fresh temporary database per test.

mod api;
mod audit_chain;
mod browser;
mod carriers;
mod carriers_poller;
mod cli_commands;
mod dashboard;
mod doc_store;
mod documents;
mod durability;
mod import_list;
mod lookup;
mod reception;
mod routes_and_roles;
mod search;
mod sessions;
mod shipping;
mod support;
mod tracking_queues;
