//! pep-tracker: the logistics of Mexico's postal vote from abroad.
//!
//! Layers only look down: `web` and `cli` call `ops`; `ops` uses `storage`, `documents`,
//! `carriers` and `channels` (e-mail and SMS to electors, a sibling of `carriers` that imports
//! only `domain`); everything may use `domain`, which does no IO and reads no clock, and
//! `clock`, the one source of "now" a process shares, and `metrics`, where every layer counts.

pub mod carriers;
pub mod channels;
pub mod cli;
pub mod clock;
pub mod documents;
pub mod domain;
pub mod metrics;
pub mod ops;
pub mod storage;
pub mod web;
