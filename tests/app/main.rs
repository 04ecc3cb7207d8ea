//! The integration suite: one binary, a fresh temporary database per test.

#![allow(clippy::unwrap_used)] // the test suite: a failed unwrap is a failed run

mod address_correction;
mod api;
mod audit_chain;
mod audit_checkpoint;
mod audit_page;
mod browser;
mod browser_axe;
mod browser_kit;
mod browser_lookup;
mod browser_station;
mod carriers;
mod carriers_poller;
mod cli_commands;
mod clock_screens;
mod dashboard;
mod doc_store;
mod documents;
mod drill;
mod durability;
mod hardening;
mod hardening_data;
mod hooks;
mod import_list;
mod logs;
mod lookup;
mod lookup_public;
mod lookup_rules;
mod notice_pages;
mod notices;
mod notices_quiet;
mod operations;
mod personal_data;
mod reception;
mod report_cuts;
mod reports;
mod routes_and_roles;
mod scope_admin;
mod scopes;
mod search;
mod sessions;
mod shipping;
mod station_ids;
mod support;
mod tracking_queues;
